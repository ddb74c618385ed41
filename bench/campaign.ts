/**
 * Campaign benchmark (issues 5 and 18). Run:
 * `npx tsx bench/campaign.ts [--seeds N] [--quick] [--no-mutants] [--no-process] [--devices 3,100,1000]`.
 * Prints, in one run:
 * 1. the standard campaign (3 devices, 100 user actions each, `flaky`, 2 workers): seeds per
 *    second, events and exchanges per second, time compression, first with cold workers
 *    (their start-up counted), then again with the same workers warm (sim/campaign-pool),
 *    both in wall time and in CPU time (the machine may be shared: CPU time of the parent
 *    and the workers, from /proc, turned into what 2 otherwise idle cores would do);
 * 2. per mutant, on its declared profile, the seeds until first detection of its declared invariant;
 * 3. the CPU cost per scheduler event at 3, 100 and 1,000 devices (bench/devices-scaling.ts);
 * 4. the process adapter's per-exchange cost against the in-process client
 *    (bench/process-adapter.ts, run as a child process of this one).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { MUTANTS } from '../src/client/mutants/index.ts';
import { runCampaign } from '../src/sim/campaign.ts';
import { idleWorkerPids } from '../src/sim/campaign-pool.ts';
import type { ProfileName } from '../src/sim/plan.ts';
import type { RunResult } from '../src/sim/result.ts';
import { processesCpuMs } from './cpu-time.ts';
import { deviceCountsArg, measureScaling, printScaling } from './devices-scaling.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedsArg = args.indexOf('--seeds');
const seeds = seedsArg >= 0 ? Number(args[seedsArg + 1]) : quick ? 20 : 100;
const deviceCounts = deviceCountsArg(args);
const CORES = 2;

interface Pass {
  results: RunResult[];
  wallS: number;
  /** CPU seconds of this process and the campaign's workers; undefined where /proc is missing. */
  cpuS: number | undefined;
}

const selfCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function campaignPass(): Promise<Pass> {
  const pidsBefore = idleWorkerPids();
  const workersBefore = processesCpuMs(pidsBefore) ?? 0;
  const selfBefore = selfCpuMs();
  const start = performance.now();
  const results = await runCampaign({
    clientSpec: 'reference',
    seeds,
    seedStart: 1,
    profile: 'flaky',
    devices: 3,
    opsPerDevice: 100,
    workers: CORES,
  });
  const wallS = (performance.now() - start) / 1000;
  const pids = idleWorkerPids();
  const workersAfter = processesCpuMs(pids);
  // A worker replaced during the pass (none, for the reference client) would take its CPU time with it.
  const sameWorkers = pidsBefore.length === 0 || pidsBefore.every((pid) => pids.includes(pid));
  const cpuS =
    workersAfter === undefined || !sameWorkers
      ? undefined
      : (workersAfter - workersBefore + selfCpuMs() - selfBefore) / 1000;
  return { results, wallS, cpuS };
}

function printPass(name: string, pass: Pass): void {
  const sum = (pick: (result: RunResult) => number) => pass.results.reduce((total, result) => total + pick(result), 0);
  const events = sum((result) => result.stats.events);
  const exchanges = sum((result) => result.stats.exchanges);
  const virtualS = sum((result) => result.stats.virtualMs) / 1000;
  const failed = pass.results.filter((result) => !result.passed).length;
  // On CORES idle cores the CPU seconds would spread over the cores: wall = CPU / CORES.
  const idleWallS = pass.cpuS === undefined ? undefined : pass.cpuS / CORES;
  const both = (perSecond: (seconds: number) => number, digits: number) =>
    `${perSecond(pass.wallS).toFixed(digits).padStart(10)}   ${idleWallS === undefined ? '(no /proc)' : perSecond(idleWallS).toFixed(digits).padStart(10)}`;
  console.log(
    `${name}: ${pass.results.length} seeds (3 devices x 100 actions, flaky, ${CORES} workers), ${failed} failed; wall ${pass.wallS.toFixed(1)} s, CPU ${pass.cpuS?.toFixed(1) ?? '?'} s`,
  );
  console.log(`                         wall time   on ${CORES} idle cores (CPU time / ${CORES})`);
  console.log(`  seeds/s            ${both((s) => pass.results.length / s, 2)}`);
  console.log(`  events/s           ${both((s) => events / s, 0)}`);
  console.log(`  exchanges/s        ${both((s) => exchanges / s, 0)}`);
  console.log(`  time compression   ${both((s) => virtualS / s, 0)}   (virtual s per s, all workers)`);
  console.log(
    `  CPU ms per seed    ${pass.cpuS === undefined ? '?' : ((pass.cpuS * 1000) / pass.results.length).toFixed(0)}`,
  );
}

async function standardCampaign(): Promise<void> {
  const cold = await campaignPass();
  printPass('standard campaign, cold workers (start-up included)', cold);
  const warm = await campaignPass();
  printPass('standard campaign, warm workers (the same seeds again)', warm);
  const same = warm.results.filter((result, index) => result.traceHash === cold.results[index]?.traceHash).length;
  console.log(`  same trace hash in both passes: ${same}/${seeds}`);
}

async function mutantTable(): Promise<void> {
  const seedsMax = quick ? 50 : 200;
  console.log(`\nmutant                               profile   invariant            first seed (of ${seedsMax})`);
  for (const mutant of MUTANTS) {
    let found = -1;
    // The mutant's declared profile, as its catalogue campaign (test/sim/mutants.test.ts) runs it.
    const profile = (mutant.profile ?? 'flaky') as ProfileName;
    await runCampaign({
      clientSpec: `mutant:${mutant.name}`,
      seeds: seedsMax,
      seedStart: 1,
      profile,
      devices: 3,
      opsPerDevice: 30,
      stopWhen: (result) => result.violations.some((violation) => violation.invariant === mutant.invariant),
      onResult: (result) => {
        if (found < 0 && result.violations.some((violation) => violation.invariant === mutant.invariant))
          found = Number(result.seed);
      },
    });
    console.log(
      `${mutant.name.padEnd(36)} ${profile.padEnd(9)} ${mutant.invariant.padEnd(20)} ${found < 0 ? 'not found' : found}`,
    );
  }
}

async function scaling(): Promise<void> {
  console.log(
    '\ncost per event by device count (calm, seed 1, a child process per size, 3 devices repeated to 5,000 events; CPU time):',
  );
  printScaling(await measureScaling(deviceCounts));
}

/**
 * Seeds of the process adapter measurement: 8 (≈ 700 exchanges per client, ≈ 15 s). With 2
 * (174 exchanges) the Node child's CPU ratio read 2.0× to 3.1× between idle runs minutes
 * apart; with 8, 2.1× to 2.3×.
 */
const PROCESS_ADAPTER_SEEDS = 8;

function processAdapter(): void {
  console.log(`\nprocess adapter (bench/process-adapter.ts --seeds ${PROCESS_ADAPTER_SEEDS}, a child of this run):`);
  const childArgs = ['--import', 'tsx', 'bench/process-adapter.ts', '--seeds', String(PROCESS_ADAPTER_SEEDS)];
  const child = spawnSync(process.execPath, childArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(child.stdout ?? '');
}

await standardCampaign();
if (!args.includes('--no-mutants')) await mutantTable();
await scaling();
if (!args.includes('--no-process')) processAdapter();
