import { MUTANTS } from './src/client/mutants/index.ts';
import { loadScenarios } from './src/scenario/load.ts';
import { runScenario } from './src/scenario/run.ts';
process.env.TMPDIR = '/dev/shm';
const loaded = loadScenarios(['scenarios']).filter((l) => !l.path.includes('mutants'));
for (const m of MUTANTS) {
  const row: string[] = [];
  for (const { scenario } of loaded) {
    const t = performance.now();
    const r = await runScenario(scenario, m.client);
    const names = [...new Set(r.violations.map((v) => v.invariant))];
    if (names.length) row.push(`${scenario.name}:${names.includes(m.invariant) ? '*' : ''}${names.join('+')}(${((performance.now() - t) / 1000).toFixed(1)}s)`);
  }
  console.log(m.name, `(${m.invariant})`, '=>', row.join('  '));
}
