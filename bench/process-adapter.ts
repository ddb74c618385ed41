/**
 * Process adapter benchmark (issue 7). Run: `npx tsx bench/process-adapter.ts [--seeds N]`.
 * What a client pays for running as a child process (JSON lines over pipes, one turn per
 * event, the simulator blocked in Atomics.wait while the child works), measured in the
 * same run:
 * 1. per HTTP exchange, over whole simulated runs (same seeds, flaky, 3 devices x 10 ops):
 *    the example memory client in process; the same client as a process client (its module
 *    hosted by src/client/process/host.ts in a Node child: like for like, so the ratio is
 *    the adapter's overhead), warm (after one unmeasured seed, its reusable children idle,
 *    as in a campaign's later seeds) and cold (every process start counted); the Python
 *    example client (another language, another design of the same client). CPU time is
 *    this process's (all threads) plus its client processes' (reaped, or read from /proc
 *    while they idle in the pool);
 * 2. per app call, a trivial one (`pendingCount()`), in process and as one process turn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { client as memoryClient } from '../examples/memory-client/index.ts';
import type { ClientFactory, SyncClient } from '../src/client/contract.ts';
import {
  closeIdleProcesses,
  createProcessClient,
  idlePids,
  processPool,
  processTraffic,
} from '../src/client/process/index.ts';
import { realNowMs } from '../src/kernel/real-time.ts';
import { runSeed } from '../src/sim/seed-run.ts';
import { drive } from '../src/sim/watchdog.ts';
import { createWorld } from '../src/sim/world.ts';
import { processesCpuMs, selfAndChildrenCpuSplitMs } from './cpu-time.ts';

const args = process.argv.slice(2);
const seedsArg = args.indexOf('--seeds');
const seeds = seedsArg >= 0 ? Number(args[seedsArg + 1]) : 8;
const CALLS = 2_000;

interface Measure {
  name: string;
  wallMs: number;
  /** CPU ms of this process and the client processes it started and reaped (Linux), or NaN. */
  cpuMs: number;
  /** The part of `cpuMs` spent in client processes. */
  childCpuMs: number;
  /** Wall ms inside `start` (a process client spawns its child there). */
  startMs: number;
  starts: number;
  /** Processes spawned for device incarnations, and idle ones reused. */
  spawned: number;
  reused: number;
  exchanges: number;
  /** Protocol turns (and lines read, queries among them) of process clients. */
  turns: number;
  lines: number;
  queries: number;
  hashes: string[];
}

/** CPU ms so far of this process, its reaped children and its idle process clients, split (Linux), or NaN. */
function cpuNow(): { totalMs: number; childrenMs: number } {
  const own = selfAndChildrenCpuSplitMs();
  const idle = processesCpuMs(idlePids()) ?? Number.NaN;
  return { totalMs: (own?.totalMs ?? Number.NaN) + idle, childrenMs: (own?.childrenMs ?? Number.NaN) + idle };
}

/**
 * Runs seeds 1..N. Warm: after one unmeasured seed (JIT warm, reusable children started and
 * idle), as a campaign's later seeds run. Cold: from nothing, every process start included.
 */
async function perExchange(name: string, factory: ClientFactory, warm: boolean): Promise<Measure> {
  if (warm) await runSeed({ seed: 'warm-up', client: factory, profile: 'flaky', devices: 3, opsPerDevice: 10 });
  else closeIdleProcesses();
  const measure: Measure = {
    name,
    wallMs: 0,
    cpuMs: 0,
    childCpuMs: 0,
    startMs: 0,
    starts: 0,
    spawned: 0,
    reused: 0,
    exchanges: 0,
    turns: 0,
    lines: 0,
    queries: 0,
    hashes: [],
  };
  const before = { ...processTraffic, ...processPool };
  // Over all seeds at once: reaped children, and the idle ones (reused ones live on).
  const cpuBefore = cpuNow();
  const client: ClientFactory = {
    ...factory,
    async start(env) {
      // Inside a device `performance.now` is virtual: the real clock is read through the kernel.
      const start = realNowMs();
      try {
        return await factory.start(env);
      } finally {
        measure.startMs += realNowMs() - start;
        measure.starts++;
      }
    },
  };
  for (let seed = 1; seed <= seeds; seed++) {
    const start = performance.now();
    const result = await runSeed({ seed: String(seed), client, profile: 'flaky', devices: 3, opsPerDevice: 10 });
    measure.wallMs += performance.now() - start;
    measure.exchanges += result.stats.exchanges;
    measure.hashes.push(result.traceHash);
    if (!result.passed) console.log(`  (${name}: seed ${seed} failed: ${result.violations[0]?.message})`);
  }
  const cpuAfter = cpuNow();
  measure.cpuMs = cpuAfter.totalMs - cpuBefore.totalMs;
  measure.childCpuMs = cpuAfter.childrenMs - cpuBefore.childrenMs;
  measure.spawned = processPool.spawned - before.spawned;
  measure.reused = processPool.reused - before.reused;
  measure.turns = processTraffic.turns - before.turns;
  measure.lines = processTraffic.lines - before.lines;
  measure.queries = processTraffic.queries - before.queries;
  return measure;
}

/** Wall µs of one trivial app call on a started device. */
async function perCall(client: ClientFactory): Promise<number> {
  const storageDir = mkdtempSync(join(tmpdir(), 'syncstorm-bench-'));
  const plan = { devices: [{ id: 'd1' }], profile: 'calm' as const, steps: [], networkRules: [], serverRules: [] };
  const world = createWorld({ seed: '1', plan, client, storageDir });
  const host = world.hosts.get('d1');
  if (host === undefined) throw new Error('no host');
  await drive(world.scheduler, host.start(), { timeoutMs: 60_000, eventsMax: 10_000, label: 'start' });
  const app = host.client as SyncClient;
  await app.pendingCount();
  const start = performance.now();
  for (let call = 0; call < CALLS; call++) await app.pendingCount();
  const micros = ((performance.now() - start) * 1000) / CALLS;
  host.kill('end');
  rmSync(storageDir, { recursive: true, force: true });
  return micros;
}

const hosted = await createProcessClient(
  'node --import tsx src/client/process/host.ts ./examples/memory-client/index.ts',
);
const python = await createProcessClient('python3 examples/python-client/client.py');
const runs = [
  await perExchange('memory client, in process', memoryClient, true),
  await perExchange('memory client, Node child, warm', hosted, true),
  await perExchange('memory client, Node child, cold', hosted, false),
  await perExchange('Python client, process', python, true),
];
const base = runs[0] as Measure;
const micros = (run: Measure, withStarts: boolean) =>
  ((run.wallMs - (withStarts ? 0 : run.startMs)) * 1000) / run.exchanges;
console.log(`per HTTP exchange, ${seeds} seeds (flaky, 3 devices x 10 ops), sequential in one process:`);
console.log(`  ${''.padEnd(38)}   all wall time       without start-ups   (process starts)`);
for (const run of runs) {
  const [all, steady] = [micros(run, true), micros(run, false)];
  const cells = [
    `${all.toFixed(0).padStart(7)} µs ${(all / micros(base, true)).toFixed(1).padStart(5)}x`,
    `${steady.toFixed(0).padStart(7)} µs ${(steady / micros(base, false)).toFixed(1).padStart(5)}x`,
    `${run.starts} starts (${run.spawned} spawned, ${run.reused} reused), ${(run.startMs / Math.max(1, run.starts)).toFixed(0)} ms each; ${run.exchanges} exchanges` +
      (run.turns > 0
        ? `; per exchange ${(run.turns / run.exchanges).toFixed(1)} turns, ${(run.lines / run.exchanges).toFixed(1)} lines, ${(run.queries / run.exchanges).toFixed(2)} queries`
        : ''),
  ];
  console.log(`  ${run.name.padEnd(38)} ${cells.join('   ')}`);
}
console.log('  CPU time per exchange (this process and its client processes, reaped or idle: load-independent):');
for (const run of runs) {
  const cpu = (run.cpuMs * 1000) / run.exchanges;
  const ratio = cpu / ((base.cpuMs * 1000) / base.exchanges);
  const child = (run.childCpuMs * 1000) / run.exchanges;
  console.log(
    `  ${run.name.padEnd(38)} ${cpu.toFixed(0).padStart(7)} µs ${ratio.toFixed(1).padStart(5)}x   (simulator ${(cpu - child).toFixed(0)} µs, client processes ${child.toFixed(0)} µs)`,
  );
}
const same = (run: Measure | undefined) => run?.hashes.filter((hash, index) => hash === base.hashes[index]).length;
console.log(
  `  seeds with the same trace hash in process and as a Node child: ${same(runs[1])}/${seeds} warm, ${same(runs[2])}/${seeds} cold`,
);

const inProcessCall = await perCall(memoryClient);
const processCall = await perCall(hosted);
console.log(`per app call (pendingCount(), ${CALLS} calls):`);
console.log(
  `  in process ${inProcessCall.toFixed(1)} µs; one process turn ${processCall.toFixed(1)} µs; ratio ${(processCall / inProcessCall).toFixed(0)}x`,
);
