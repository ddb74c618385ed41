/**
 * @module sim/campaign
 * Many seeds, spread over the machine's cores. Each worker is a child process that runs
 * one seed at a time, borrowed warm from sim/campaign-pool and given back at the end; a
 * seed's result depends only on the seed, never on which worker ran it or in which order. A seed that runs past its wall-time limit (a client stuck in a
 * loop that never yields) has its worker killed and is reported; the campaign goes on.
 */
import { availableParallelism } from 'node:os';
import { borrowWorker, returnWorker } from './campaign-pool.ts';
import { type ClientError, diedOnly } from './client-errors.ts';
import type { ProfileName } from './plan.ts';
import { failedRunResult, type RunResult } from './result.ts';
import { RUN_EVENTS_MAX_DEFAULT } from './supervisor.ts';

export interface CampaignOptions {
  /** 'reference', 'mutant:<name>', a module path, or 'process:<command>'. */
  clientSpec: string;
  /** The server slot: 'mutant:<name>' or a server module path; the reference server when absent. */
  server?: string;
  seeds: number;
  seedStart: number;
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
  /** Child processes; default: the machine's cores. */
  workers?: number;
  /** Wall-time bound per seed, ms, from the moment its client starts (outside the simulated world). */
  seedTimeLimitMs?: number;
  /** Heap of each worker, MB. */
  heapMb?: number;
  /** Keep the trace of failing runs (for reports). */
  keepFailedTraces?: boolean;
  /** Called as each seed finishes (any order). */
  onResult?: (result: RunResult, done: number, total: number) => void;
  /** Stop handing out new seeds once this many have failed. */
  failuresMax?: number;
  /** Stop handing out new seeds once a result satisfies this (e.g. the bug looked for was found). */
  stopWhen?: (result: RunResult) => boolean;
}

export interface SeedTask {
  seed: string;
  clientSpec: string;
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
  keepFailedTraces: boolean;
  /** Bound on the run's scheduler events. */
  eventsMax: number;
  server?: string;
}

export const SEED_TIME_LIMIT_MS_DEFAULT = 120_000;

function crashedResult(task: SeedTask, error: ClientError): RunResult {
  const { seed, clientSpec: client, profile, devices } = task;
  return failedRunResult({ name: `seed-${seed}`, seed, client, profile, devices }, error.message, error.kind);
}

export async function runCampaign(options: CampaignOptions): Promise<RunResult[]> {
  const tasks: SeedTask[] = Array.from({ length: options.seeds }, (_, index) => ({
    seed: String(options.seedStart + index),
    clientSpec: options.clientSpec,
    profile: options.profile,
    devices: options.devices,
    opsPerDevice: options.opsPerDevice,
    ...(options.chaosMs !== undefined ? { chaosMs: options.chaosMs } : {}),
    keepFailedTraces: options.keepFailedTraces ?? false,
    eventsMax: RUN_EVENTS_MAX_DEFAULT,
    ...(options.server !== undefined ? { server: options.server } : {}),
  }));
  const results = new Map<string, RunResult>();
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), tasks.length));
  const limitMs = options.seedTimeLimitMs ?? SEED_TIME_LIMIT_MS_DEFAULT;
  let next = 0;
  let failures = 0;
  let stopped = false;
  const takeTask = (): SeedTask | undefined => {
    if (stopped) return undefined;
    if (options.failuresMax !== undefined && failures >= options.failuresMax) return undefined;
    return tasks[next++];
  };
  const finish = (result: RunResult) => {
    results.set(result.seed, result);
    // A seed whose process died is reported, but the search goes on (it found no bug to shrink).
    if (!result.passed && !diedOnly(result.violations)) failures++;
    if (options.stopWhen?.(result)) stopped = true;
    options.onResult?.(result, results.size, tasks.length);
  };
  const heapMb = options.heapMb;
  const loop = () => workLoop(takeTask, finish, limitMs, heapMb);
  await Promise.all(Array.from({ length: workers }, loop));
  return tasks.flatMap((task) => results.get(task.seed) ?? []);
}

async function workLoop(
  take: () => SeedTask | undefined,
  finish: (result: RunResult) => void,
  limitMs: number,
  heapMb: number | undefined,
): Promise<void> {
  // A worker that died or overran is replaced by the supervisor before the next seed.
  const lent = borrowWorker(heapMb);
  const worker = lent.worker;
  try {
    for (let task = take(); task !== undefined; task = take()) {
      const outcome = await worker.run<RunResult>({ ...task }, limitMs, `seed ${task.seed}`);
      finish(outcome.ok ? outcome.value : crashedResult(task, outcome.error));
    }
  } finally {
    returnWorker(lent);
  }
}
