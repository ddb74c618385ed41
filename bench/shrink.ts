/**
 * Shrink benchmark (issues 6 and 19). Run:
 * `npx tsx bench/shrink.ts [--seeds N] [--out DIR] [--hogs K] [--compare] [mutant ...]`.
 * For every mutant (or the ones named): the catalogue's campaign (MUTANT_CAMPAIGN, the one
 * test/sim/mutants.test.ts proves catches every mutant): the mutant's declared profile
 * (`Mutant.profile`, default flaky), 3 devices x 30 user actions, seeds 1..N (default 200),
 * stopped at the first block of seeds that shows the mutant's declared invariant; the
 * cheapest such seed is shrunk into a repro scenario. Prints per mutant its profile, the seed found, steps and
 * fault rules before and after shrinking, candidate runs and their scheduler events (the
 * counts that bound shrinking), what stopped the search, the sha256 of the repro file and
 * its trace hash, and wall times (aim: <= 12 steps). Repros are written to DIR (default
 * .syncstorm-tmp/shrink/).
 * `--hogs K` runs everything beside K CPU-bound processes (scripts/cpu-hogs.ts).
 * `--compare` runs each mutant twice, idle and beside 2 hogs, and says whether the two
 * repro files are byte-identical with the same trace hash (issue 19: a repro does not
 * depend on the machine's load).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startHogs } from '../scripts/cpu-hogs.ts';
import { useFastScratch } from '../src/cli/scratch.ts';
import { MUTANT_CAMPAIGN, MUTANTS, type Mutant } from '../src/client/mutants/index.ts';
import { resolveClient } from '../src/client/resolve.ts';
import { runFuzz } from '../src/scenario/fuzz.ts';
import type { ProfileName } from '../src/sim/plan.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  args.splice(index, 2);
  return value;
};
const toggle = (name: string) => {
  const index = args.indexOf(name);
  if (index >= 0) args.splice(index, 1);
  return index >= 0;
};
const seeds = Number(flag('--seeds') ?? MUTANT_CAMPAIGN.seeds);
const out = flag('--out') ?? join('.syncstorm-tmp', 'shrink');
const hogCount = Number(flag('--hogs') ?? 0);
const compare = toggle('--compare');
const only = new Set(args);
mkdirSync(out, { recursive: true });
useFastScratch();

interface Measured {
  line: string[];
  steps: number;
  /** The repro file's bytes' sha256 and its run's trace hash; undefined when no repro. */
  identity?: string;
}

const short = (hash: string) => hash.slice(0, 12);

async function measure(mutant: Mutant, label: string): Promise<Measured> {
  const spec = `mutant:${mutant.name}`;
  const profile = (mutant.profile ?? 'flaky') as ProfileName;
  const start = performance.now();
  let exploredMs = 0;
  const outcome = await runFuzz({
    clientSpec: spec,
    clientName: (await resolveClient(spec)).name,
    seeds,
    seedStart: MUTANT_CAMPAIGN.seedStart,
    profile,
    devices: MUTANT_CAMPAIGN.devices,
    opsPerDevice: MUTANT_CAMPAIGN.opsPerDevice,
    preferInvariant: mutant.invariant,
    now: () => performance.now(),
    onShrinkStart: () => {
      exploredMs = performance.now() - start;
    },
  });
  const repro = outcome.repros.find((entry) => entry.shrinkRuns > 0);
  if (repro === undefined) {
    const total = ((performance.now() - start) / 1000).toFixed(1);
    return {
      line: [mutant.name, label, profile, mutant.invariant, 'not found', '', '', '', '', '', '', '', '', total, 'no'],
      steps: 0,
    };
  }
  const text = `${JSON.stringify(repro.scenario, null, 2)}\n`;
  writeFileSync(join(out, `${repro.name}${label === 'idle' ? '' : `.${label}`}.json`), text);
  const fileHash = createHash('sha256').update(text).digest('hex');
  return {
    line: [
      mutant.name,
      label,
      profile,
      repro.invariant,
      repro.seed,
      `${repro.stepsBefore} -> ${repro.stepsAfter}`,
      `${repro.rulesBefore} -> ${repro.rulesAfter}`,
      String(repro.shrinkRuns),
      String(repro.shrinkEvents),
      repro.stoppedBy ?? 'done',
      short(fileHash),
      short(repro.result.traceHash),
      (repro.shrinkMs / 1000).toFixed(1),
      (exploredMs / 1000).toFixed(1),
      repro.invariant === mutant.invariant && repro.reproduced ? 'yes' : 'NO',
    ],
    steps: repro.stepsAfter,
    identity: `${fileHash} ${repro.result.traceHash}`,
  };
}

/** Runs `work` beside `count` CPU hogs (none: as it is). */
async function loaded<T>(count: number, work: () => Promise<T>): Promise<T> {
  if (count === 0) return work();
  const hogs = startHogs(count);
  try {
    return await work();
  } finally {
    await hogs.stop();
  }
}

const columns = [
  'mutant',
  'load',
  'profile',
  'invariant',
  'seed',
  'steps',
  'rules',
  'runs',
  'events',
  'stop',
  'repro sha256',
  'trace',
  'shrink s',
  'explore s',
  'named',
];
console.log(columns.join('\t'));
let worstSteps = 0;
let identical = 0;
let compared = 0;
for (const mutant of MUTANTS) {
  if (only.size > 0 && !only.has(mutant.name)) continue;
  const label = hogCount > 0 ? `${hogCount} hogs` : 'idle';
  const first = await loaded(hogCount, () => measure(mutant, label));
  console.log(first.line.join('\t'));
  worstSteps = Math.max(worstSteps, first.steps);
  if (!compare) continue;
  const second = await loaded(2, () => measure(mutant, '2 hogs'));
  console.log(second.line.join('\t'));
  worstSteps = Math.max(worstSteps, second.steps);
  compared += 1;
  const same = first.identity !== undefined && first.identity === second.identity;
  if (same) identical += 1;
  console.log(`${mutant.name}\tidle vs 2 hogs: ${same ? 'byte-identical repro, same trace hash' : 'DIFFERENT'}`);
}
console.log(`\nworst: ${worstSteps} steps; repros in ${out}`);
if (compare) console.log(`identical idle vs 2 hogs: ${identical} of ${compared}`);
