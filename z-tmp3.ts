import { resolveClient } from './src/client/resolve.ts';
import { planForSeed, runSimulation } from './src/sim/index.ts';
import { shrinkPlan } from './src/scenario/shrink.ts';
import { normalizePlan } from './src/scenario/repro.ts';
import { loadScenario } from './src/scenario/load.ts';
import { runScenario } from './src/scenario/run.ts';
const c = await resolveClient('mutant:no-idempotency-key');
const s = loadScenario('/tmp/ss/reports/fuzz-20261123-063502/repro/mutant-no-idempotency-key-no-duplicates-seed4.json');
const h0 = (await runScenario(s, c)).traceHash;
console.log('fresh', h0.slice(0, 8));
const plan = planForSeed({ seed: '4', profile: 'flaky', devices: 3, opsPerDevice: 10 });
let n = 0;
await shrinkPlan(plan, { fails: async (p) => {
  n++;
  const r = await runSimulation({ seed: '4', plan: normalizePlan(p, '4'), client: c });
  const v = r.violations.find((x) => x.invariant === 'no-duplicates');
  const h = (await runScenario(s, c)).traceHash;
  if (h !== h0) { console.log('changed after run', n, h.slice(0, 8), 'steps', p.steps.length); process.exit(0); }
  return !!v;
}, runsMax: 200 });
console.log('never changed', n);
