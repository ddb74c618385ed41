/**
 * @module scenario/plan-runner
 * Runs plans in a supervised child process (sim/supervisor): shrink candidates, scenario
 * runs, a repro's confirmation run, replays. A run that overruns its wall-time limit
 * (counted from its client's start), exits, crashes or runs out of memory comes back as a
 * client error and the next run gets a fresh child, so no client can hang or end the
 * command. The same child also describes a client module (name, policy, collections) so
 * that the main process never imports client code.
 */

import type { ClientFactory } from '../client/contract.ts';
import { UsageError } from '../kernel/errors.ts';
import { siblingModule } from '../kernel/sibling-module.ts';
import type { ClientError } from '../sim/client-errors.ts';
import type { Plan } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';
import { LOAD_TIME_LIMIT_MS_DEFAULT, RUN_EVENTS_MAX_DEFAULT, SupervisedChild } from '../sim/supervisor.ts';

export interface PlanTask {
  seed: string;
  plan: Plan;
  clientSpec: string;
  /** Bound on the run's scheduler events (chaos, heal and all). */
  eventsMax: number;
  /** Asks for the whole RunResult back (a scenario run), not only the verdict. */
  full?: FullRun;
}

/** Asks the child what a client declares. */
export interface DescribeTask {
  describe: string;
}

/** What the main process needs to know of a client: what it declares, no code. */
export type ClientInfo = Pick<ClientFactory, 'name' | 'policy' | 'collections' | 'crashPoints' | 'description'>;

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
  violations: { invariant: string; message: string }[];
  errors: string[];
  events: number;
  traceHash: string;
  /** The whole result, when the task asked for it. */
  result?: RunResult;
}

export type PlanOutcome = { kind: 'ran'; verdict: PlanVerdict } | { kind: 'failed'; error: ClientError };

/** Limits of the children that run client code. */
export interface ChildLimits {
  /** Heap of the child, MB. */
  heapMb?: number;
}

const workerPath = siblingModule(import.meta.url, './plan-worker');

export class PlanRunner {
  private readonly child: SupervisedChild;

  constructor(
    private readonly clientSpec: string,
    limits: ChildLimits = {},
  ) {
    const heap = limits.heapMb !== undefined ? { heapMb: limits.heapMb } : {};
    this.child = new SupervisedChild({ workerPath, args: [clientSpec], ...heap });
  }

  private loaded: Promise<unknown> | undefined;

  /** Starts the child now, so that it loads while the caller does other things. */
  warm(): void {
    this.child.warm();
  }

  /** Resolves once the child has loaded the client (or failed to): the next run starts at once. */
  ready(loadTimeMs = LOAD_TIME_LIMIT_MS_DEFAULT): Promise<unknown> {
    this.loaded ??= this.describe(this.clientSpec, loadTimeMs).catch(() => undefined);
    return this.loaded;
  }

  async run(
    seed: string,
    plan: Plan,
    options: { timeoutMs: number; eventsMax?: number; full?: FullRun; clientSpec?: string; what?: string },
  ): Promise<PlanOutcome> {
    const task: PlanTask = {
      seed,
      plan,
      clientSpec: options.clientSpec ?? this.clientSpec,
      eventsMax: options.eventsMax ?? RUN_EVENTS_MAX_DEFAULT,
      ...(options.full ? { full: options.full } : {}),
    };
    const what = options.what ?? (options.full ? `scenario ${options.full.name}` : `a run of seed ${seed}`);
    const outcome = await this.child.run<PlanVerdict>({ ...task }, options.timeoutMs, what);
    return outcome.ok ? { kind: 'ran', verdict: outcome.value } : { kind: 'failed', error: outcome.error };
  }

  /** What client `spec` declares, learnt in the child; a client that does not load is bad input. */
  async describe(spec: string, loadTimeMs: number): Promise<ClientInfo> {
    const task: DescribeTask = { describe: spec };
    const outcome = await this.child.run<ClientInfo>({ ...task }, loadTimeMs, `loading client '${spec}'`);
    if (outcome.ok) return outcome.value;
    if (outcome.usage) throw new UsageError(outcome.error.message);
    throw new UsageError(`Client '${spec}' could not be loaded: ${outcome.error.message}`);
  }

  close(): void {
    this.child.close();
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

  constructor(clientSpec: string, size: number, limits: ChildLimits = {}) {
    this.all = Array.from({ length: Math.max(1, size) }, () => new PlanRunner(clientSpec, limits));
    this.idle = [...this.all];
    // Start every child now, so they load while the first run goes.
    for (const runner of this.all) void runner.ready();
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

  /** Resolves once every child has loaded the client. */
  ready(): Promise<unknown> {
    return Promise.all(this.all.map((runner) => runner.ready()));
  }

  /** `limits` is called when a runner is free, just before the run (the run's clock starts in the child). */
  async run(seed: string, plan: Plan, limits: () => { timeoutMs: number; eventsMax?: number }): Promise<PlanOutcome> {
    const runner = await this.acquire();
    try {
      // Limits (and the time the shrinker measures) are taken once the child has loaded the client.
      await runner.ready();
      return await runner.run(seed, plan, limits());
    } finally {
      this.release(runner);
    }
  }

  close(): void {
    for (const runner of this.all) runner.close();
  }
}
