/**
 * Real network against the simulator (issue 9). Run: `npx tsx bench/realnet.ts [--reps 20] [--quick]`.
 *
 * One scenario: the real-network workload of seed 1 (3 devices x 12 user actions over 60 s
 * of run time) with the reference client. The simulator runs it in virtual time on a calm
 * network; the real-network mode runs it over loopback sockets through the embedded proxy,
 * at speed 20 (3 s of chaos), once with no toxics (`calm`) and once under `flaky-3g`. Each is
 * repeated `--reps` times (default 20). Prints per mode: wall time (median, min, max), and
 * how many distinct outcomes the repetitions gave:
 *   trace    the sha256 of the whole trace (the simulator's fingerprint);
 *   verdict  passed, and which invariants failed;
 *   state    the server's final records (fields of live records, number of tombstones;
 *            record ids are random UUIDs in real mode, so they are left out);
 *   requests how many HTTP requests the clients made.
 */
import { createHash } from 'node:crypto';
import { referenceClient } from '../src/client/index.ts';
import { Rng } from '../src/kernel/rng.ts';
import { CHAOS_DEFAULTS } from '../src/realnet/chaos/options.ts';
import { runChaos } from '../src/realnet/chaos/run-chaos.ts';
import { drawRealPlan } from '../src/realnet/chaos/workload-plan.ts';
import type { RunResult } from '../src/sim/result.ts';
import { runSimulation } from '../src/sim/simulation.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsFlag = args.indexOf('--reps');
const REPS = repsFlag >= 0 ? Number(args[repsFlag + 1]) : quick ? 3 : 20;
const SEED = '1';
const DEVICES = 3;
const OPS = 12;
const SPEED = 20;
const DURATION_MS = 3_000;

interface Sample {
  wallMs: number;
  trace: string;
  verdict: string;
  state: string;
  requests: number;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function sample(result: RunResult): Sample {
  const final = result.trace?.find((event) => event.type === 'sim.final') as
    | { server?: { deleted: boolean; fields: unknown }[] }
    | undefined;
  const records = final?.server ?? [];
  const live = records
    .filter((record) => !record.deleted)
    .map((record) => JSON.stringify(record.fields))
    .sort();
  const tombstones = records.length - live.length;
  const invariants = [...new Set(result.violations.map((violation) => violation.invariant))].sort();
  return {
    wallMs: result.stats.wallMs,
    trace: result.traceHash.slice(0, 12),
    verdict: result.passed ? 'passed' : `failed:${invariants.join(',')}`,
    state: sha(`${live.join('\n')}|${tombstones}`),
    requests: result.stats.exchanges,
  };
}

function summarise(mode: string, samples: Sample[]): Record<string, unknown> {
  const walls = samples.map((entry) => entry.wallMs).sort((a, b) => a - b);
  const distinct = (key: keyof Sample) => new Set(samples.map((entry) => entry[key])).size;
  const requests = samples.map((entry) => entry.requests);
  return {
    mode,
    reps: samples.length,
    wallMsMedian: Math.round(walls[Math.floor(walls.length / 2)] ?? 0),
    wallMsMin: Math.round(walls[0] ?? 0),
    wallMsMax: Math.round(walls.at(-1) ?? 0),
    distinctTraces: distinct('trace'),
    distinctVerdicts: distinct('verdict'),
    distinctStates: distinct('state'),
    distinctRequestCounts: distinct('requests'),
    requestsMin: Math.min(...requests),
    requestsMax: Math.max(...requests),
    verdicts: [...new Set(samples.map((entry) => entry.verdict))],
  };
}

async function simulator(): Promise<Sample[]> {
  const plan = drawRealPlan(new Rng(SEED).fork('realnet'), {
    devices: DEVICES,
    opsPerDevice: OPS,
    chaosMs: DURATION_MS * SPEED,
  });
  const samples: Sample[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    samples.push(sample(await runSimulation({ seed: SEED, plan, client: referenceClient, keepTrace: true })));
  }
  return samples;
}

async function real(schedule: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const outcome = await runChaos({
      ...CHAOS_DEFAULTS,
      client: referenceClient,
      clients: DEVICES,
      opsPerClient: OPS,
      seed: SEED,
      schedule,
      durationMs: DURATION_MS,
      speed: SPEED,
      healMs: 15_000,
    });
    samples.push(sample(outcome.result));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return samples;
}

const rows = [
  summarise('simulator (calm)', await simulator()),
  summarise('real network, calm', await real('calm')),
  summarise('real network, flaky-3g', await real('flaky-3g')),
];
console.table(rows.map(({ verdicts: _verdicts, ...row }) => row));
console.log(JSON.stringify(rows, null, 2));
