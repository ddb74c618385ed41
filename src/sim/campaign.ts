/**
 * @module sim/campaign
 * Many seeds, spread over the machine's cores. Each worker is a child process that runs
 * one seed at a time; a seed's result depends only on the seed, never on which worker ran
 * it or in which order. A seed that runs past its wall-time limit (a client stuck in a
 * loop that never yields) has its worker killed and is reported; the campaign goes on.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProfileName } from './plan.ts';
import { failedRunResult, type RunResult } from './result.ts';

export interface CampaignOptions {
  /** 'reference', 'mutant:<name>', a module path, or 'process:<command>'. */
  clientSpec: string;
  seeds: number;
  seedStart: number;
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
  /** Child processes; default: the machine's cores. */
  workers?: number;
  /** Wall-time bound per seed, ms (outside the simulated world). */
  seedTimeLimitMs?: number;
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
}

export const SEED_TIME_LIMIT_MS_DEFAULT = 120_000;

const workerPath = fileURLToPath(new URL('./campaign-worker.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function spawnWorker(): ChildProcess {
  return fork(workerPath, [], {
    execArgv: ['--import', tsxLoader],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function crashedResult(task: SeedTask, reason: string): RunResult {
  const { seed, clientSpec: client, profile, devices } = task;
  return failedRunResult({ name: `seed-${seed}`, seed, client, profile, devices }, reason);
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
    if (!result.passed) failures++;
    if (options.stopWhen?.(result)) stopped = true;
    options.onResult?.(result, results.size, tasks.length);
  };
  await Promise.all(Array.from({ length: workers }, () => workLoop(takeTask, finish, limitMs)));
  return tasks.flatMap((task) => results.get(task.seed) ?? []);
}

async function workLoop(
  take: () => SeedTask | undefined,
  finish: (result: RunResult) => void,
  limitMs: number,
): Promise<void> {
  let worker = spawnWorker();
  try {
    for (let task = take(); task !== undefined; task = take()) {
      const result = await runOnWorker(worker, task, limitMs);
      finish(result.result);
      if (result.restart) {
        worker.kill('SIGKILL');
        worker = spawnWorker();
      }
    }
  } finally {
    worker.kill('SIGKILL');
  }
}

function runOnWorker(
  worker: ChildProcess,
  task: SeedTask,
  limitMs: number,
): Promise<{ result: RunResult; restart: boolean }> {
  return new Promise((resolve) => {
    const done = (result: RunResult, restart: boolean) => {
      clearTimeout(timer); // allowed: campaign layer, real time on purpose
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve({ result, restart });
    };
    const onMessage = (message: { seed: string; result?: RunResult; error?: string }) => {
      if (message.seed !== task.seed) return;
      done(message.result ?? crashedResult(task, message.error ?? 'worker failed'), message.result === undefined);
    };
    const onExit = (code: number | null) =>
      done(crashedResult(task, `worker exited (code ${code}) while running seed ${task.seed}`), true);
    const overrun = `seed ${task.seed} ran past its wall-time limit of ${limitMs} ms (a client that never yields?)`;
    const onOverrun = () => done(crashedResult(task, overrun), true);
    const timer = setTimeout(onOverrun, limitMs); // allowed: wall-time watchdog of a worker process, outside the simulated world
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.send(task);
  });
}
