/**
 * @module scenario/plan-runner
 * Runs plans in a child process with a wall-time limit per run. The shrinker's candidates
 * go through it: one that runs past its limit is stopped (the child is killed and a fresh
 * one started) and counts as not failing, so no single candidate can eat the time budget
 * and a client that never yields cannot hang the fuzzer. Real time is read here on
 * purpose: it bounds the simulator from outside, it never enters a run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plan } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';

export interface PlanTask {
  id: number;
  seed: string;
  plan: Plan;
  clientSpec: string;
  /** Bound on the run's scheduler events (chaos, heal and all). */
  eventsMax?: number;
  /** Asks for the whole RunResult back (a scenario run), not only the verdict. */
  full?: FullRun;
}

/** What a scenario run needs beyond the plan. */
export interface FullRun {
  name: string;
  expectedViolations: string[];
  keepTrace: boolean;
  /** Stream the trace to this file as the run goes (a stopped run leaves what it had). */
  traceFile?: string;
}

/** What a run in the child reports back. */
export interface PlanVerdict {
  id: number;
  violations: { invariant: string; message: string }[];
  errors: string[];
  events: number;
  traceHash: string;
  /** The whole result, when the task asked for it. */
  result?: RunResult;
}

export type PlanOutcome =
  | { kind: 'ran'; verdict: PlanVerdict }
  | { kind: 'timeout' }
  | { kind: 'crashed'; error: string };

const workerPath = fileURLToPath(new URL('./plan-worker.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class PlanRunner {
  private child: { process: ChildProcess; ready: Promise<void> } | undefined;
  private nextId = 1;

  constructor(private readonly clientSpec: string) {}

  /** The child process, started (and its client loaded) if need be. */
  warm(): Promise<ChildProcess> {
    const current = this.child;
    if (current !== undefined && current.process.exitCode === null && !current.process.killed) {
      return current.ready.then(() => current.process);
    }
    const child = fork(workerPath, [this.clientSpec], {
      execArgv: ['--import', tsxLoader],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; error?: string }) => {
        if (message.ready === undefined) return;
        child.off('message', onMessage);
        if (message.ready) resolve();
        else reject(new Error(message.error ?? 'plan worker failed to start'));
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`plan worker exited (code ${code}) while starting`)));
    });
    ready.catch(() => undefined);
    this.child = { process: child, ready };
    return ready.then(() => child);
  }

  async run(
    seed: string,
    plan: Plan,
    options: { timeoutMs: number; eventsMax?: number; full?: FullRun; clientSpec?: string },
  ): Promise<PlanOutcome> {
    let child: ChildProcess;
    try {
      child = await this.warm();
    } catch (error) {
      return { kind: 'crashed', error: error instanceof Error ? error.message : String(error) };
    }
    const id = this.nextId++;
    const task: PlanTask = {
      id,
      seed,
      plan,
      clientSpec: options.clientSpec ?? this.clientSpec,
      ...(options.eventsMax ? { eventsMax: options.eventsMax } : {}),
      ...(options.full ? { full: options.full } : {}),
    };
    return new Promise((resolve) => {
      const done = (outcome: PlanOutcome) => {
        clearTimeout(timer); // allowed: a wall-time bound outside the simulated world
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (message: PlanVerdict | { id: number; error: string }) => {
        if (message.id !== id) return;
        done('error' in message ? { kind: 'crashed', error: message.error } : { kind: 'ran', verdict: message });
      };
      const onExit = (code: number | null) => done({ kind: 'crashed', error: `plan worker exited (code ${code})` });
      const expire = () => {
        child.kill('SIGKILL');
        done({ kind: 'timeout' });
      };
      const timer = setTimeout(expire, options.timeoutMs); // allowed: wall-time watchdog outside the simulated world
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(task);
    });
  }

  close(): void {
    this.child?.process.kill('SIGKILL');
    this.child = undefined;
  }
}

/**
 * Several PlanRunners, each with its own child process: a run waits for a free one. Lets
 * the shrinker try the next candidate while the current one runs.
 */
export class PlanRunnerPool {
  private readonly idle: PlanRunner[];
  private readonly waiting: ((runner: PlanRunner) => void)[] = [];
  private readonly all: PlanRunner[];

  constructor(clientSpec: string, size: number) {
    this.all = Array.from({ length: Math.max(1, size) }, () => new PlanRunner(clientSpec));
    this.idle = [...this.all];
    // Start every child now, so they load while the first run goes.
    for (const runner of this.all) runner.warm().catch(() => undefined);
  }

  private acquire(): Promise<PlanRunner> {
    const runner = this.idle.pop();
    if (runner !== undefined) return Promise.resolve(runner);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(runner: PlanRunner): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(runner);
    else this.idle.push(runner);
  }

  async run(seed: string, plan: Plan, limits: () => { timeoutMs: number; eventsMax?: number }): Promise<PlanOutcome> {
    const runner = await this.acquire();
    try {
      // Limits (and the run's start time) are taken once the child is ready.
      await runner.warm().catch(() => undefined);
      return await runner.run(seed, plan, limits());
    } finally {
      this.release(runner);
    }
  }

  close(): void {
    for (const runner of this.all) runner.close();
  }
}
