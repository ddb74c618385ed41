import { loadScenario } from './src/scenario/load.ts';
import { runScenario } from './src/scenario/run.ts';
import { createReferenceClient } from './src/client/reference/index.ts';
const s = loadScenario('/tmp/ss/a.json');
const t = performance.now();
const r = await runScenario(s, createReferenceClient());
console.log(performance.now() - t, r.passed, r.traceHash, JSON.stringify(r.violations).slice(0, 500), r.errors, r.stats);
