/**
 * Shrink benchmark (issue 6). Run: `npx tsx bench/shrink.ts [--seeds N] [--out DIR] [mutant ...]`.
 * For every mutant (or the ones named): a fuzz campaign of up to N seeds (default 200) with
 * the CLI's defaults, stopped at the first seed that shows the mutant's declared invariant;
 * that seed is shrunk into a repro scenario. Prints per mutant the seed found, steps and
 * fault rules before and after shrinking, candidate runs, and wall time to shrink (aim:
 * <= 12 steps in <= 30 s). Repros are written to DIR (default .syncstorm-tmp/shrink/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FUZZ_DEFAULTS } from '../src/cli/main.ts';
import { useFastScratch } from '../src/cli/scratch.ts';
import { MUTANTS } from '../src/client/mutants/index.ts';
import { resolveClient } from '../src/client/resolve.ts';
import { runFuzz } from '../src/scenario/fuzz.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  args.splice(index, 2);
  return value;
};
const seeds = Number(flag('--seeds') ?? 200);
const out = flag('--out') ?? join('.syncstorm-tmp', 'shrink');
const only = new Set(args);
mkdirSync(out, { recursive: true });
useFastScratch();

const columns = ['mutant', 'invariant', 'seed', 'steps', 'rules', 'runs', 'shrink s', 'explore s', 'named'];
console.log(columns.join('\t'));
let worst = { steps: 0, seconds: 0 };
for (const mutant of MUTANTS) {
  if (only.size > 0 && !only.has(mutant.name)) continue;
  const spec = `mutant:${mutant.name}`;
  const start = performance.now();
  let exploredMs = 0;
  const outcome = await runFuzz({
    clientSpec: spec,
    clientName: (await resolveClient(spec)).name,
    seeds,
    seedStart: FUZZ_DEFAULTS.seedStart,
    profile: FUZZ_DEFAULTS.profile,
    devices: FUZZ_DEFAULTS.devices,
    opsPerDevice: FUZZ_DEFAULTS.ops,
    preferInvariant: mutant.invariant,
    now: () => performance.now(),
    onShrinkStart: () => {
      exploredMs = performance.now() - start;
    },
  });
  const repro = outcome.repros[0];
  if (repro === undefined) {
    console.log(
      [
        mutant.name,
        mutant.invariant,
        'not found',
        '',
        '',
        '',
        '',
        ((performance.now() - start) / 1000).toFixed(1),
        'no',
      ].join('\t'),
    );
    continue;
  }
  writeFileSync(join(out, `${repro.name}.json`), `${JSON.stringify(repro.scenario, null, 2)}\n`);
  const shrinkS = repro.shrinkMs / 1000;
  worst = { steps: Math.max(worst.steps, repro.stepsAfter), seconds: Math.max(worst.seconds, shrinkS) };
  console.log(
    [
      mutant.name,
      repro.invariant,
      repro.seed,
      `${repro.stepsBefore} -> ${repro.stepsAfter}`,
      `${repro.rulesBefore} -> ${repro.rulesAfter}`,
      repro.shrinkRuns,
      shrinkS.toFixed(1),
      (exploredMs / 1000).toFixed(1),
      repro.invariant === mutant.invariant && repro.reproduced ? 'yes' : 'NO',
    ].join('\t'),
  );
}
console.log(`\nworst: ${worst.steps} steps, ${worst.seconds.toFixed(1)} s to shrink; repros in ${out}`);
