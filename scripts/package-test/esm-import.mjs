// `import 'syncstorm'` from an ES module: run one bundled scenario in process.
import assert from 'node:assert/strict';
import { loadScenario, referenceClient, runScenario } from 'syncstorm';

const result = await runScenario(loadScenario('node_modules/syncstorm/scenarios/edit-vs-delete.json'), referenceClient);
assert.equal(result.passed, true, JSON.stringify(result.violations));
process.stdout.write(`esm import: edit-vs-delete passed, trace sha256 ${result.traceHash}\n`);
