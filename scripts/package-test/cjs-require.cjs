// `require('syncstorm')` from a CommonJS module: the same scenario, the same trace hash.
const assert = require('node:assert/strict');
const { loadScenario, referenceClient, runScenario } = require('syncstorm');

runScenario(loadScenario('node_modules/syncstorm/scenarios/edit-vs-delete.json'), referenceClient).then((result) => {
  assert.equal(result.passed, true, JSON.stringify(result.violations));
  process.stdout.write(`cjs require: edit-vs-delete passed, trace sha256 ${result.traceHash}\n`);
});
