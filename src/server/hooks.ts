/**
 * @module server/hooks
 * The server slot's API (docs/server-hooks.md): a wrapper around the reference server's
 * `handle`, written by hand (`wrap(next, env)`) or from hooks (`beforeRequest`,
 * `afterRequest`, `start`). `env` is the wrapper's window on the run: virtual time, jobs
 * scheduled on the virtual clock (a cache reload, a compaction), a read of the store, a
 * seeded stream and notes into the trace. Everything stays deterministic: a wrapper never
 * reads real time or global randomness, and the reference server under it still records
 * the history the checkers judge.
 */
import { assert } from '../kernel/assert.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import type { ServerRecord } from './protocol.ts';

/** Answers one request from `deviceId`: the reference server, or a wrapper around it. */
export type ServerHandle = (request: Request, deviceId: string) => Promise<Response>;

/** What a wrapper may use of the run. */
export interface ServerEnv {
  /** Virtual ms since the start of the run. */
  now(): number;
  /**
   * Runs `job` after `delayMs` of virtual time (a cache reload, a compaction job). A job that
   * schedules itself again forever keeps the run busy until its event bound: keep it bounded.
   */
  schedule(delayMs: number, label: string, job: () => void): void;
  /** The server's records as they are now, tombstones included (copies). */
  records(): ServerRecord[];
  /** A stream of its own, seeded from the run's seed. */
  readonly random: Pick<Rng, 'next' | 'int' | 'chance'>;
  /** Writes a `server.hook` event into the trace (shown in reports; the checkers ignore it). */
  note(message: string, data?: Record<string, unknown>): void;
}

/** What a hook is told about the request in hand. */
export interface HookContext {
  deviceId: string;
  env: ServerEnv;
  /** The reference server itself, to make extra requests to it (each one is in its history). */
  next: ServerHandle;
}

/** A backend's quirks as hooks around the reference server (docs/server-hooks.md). */
export interface ServerHooks {
  /** kebab-case; shown in reports and `syncstorm list servers`. */
  readonly name: string;
  readonly description?: string;
  /** The invariant this quirk is expected to break, if any (documentation only). */
  readonly invariant?: string;
  /** Called once when the server is built (each run gets its own): schedule jobs here. */
  start?(env: ServerEnv): void;
  /**
   * Before the reference server sees the request: return a Response to answer in its place
   * (the server never sees it), a Request to hand it instead, or nothing to go on.
   */
  beforeRequest?(
    request: Request,
    context: HookContext,
  ): Promise<Request | Response | undefined> | Request | Response | undefined;
  /** After the answer: return a Response to send instead, or nothing to keep it. */
  afterRequest?(
    request: Request,
    response: Response,
    context: HookContext,
  ): Promise<Response | undefined> | Response | undefined;
}

/** What the server slot holds: a name and a wrapper (a mutant, hooks, or a hand-written wrap). */
export interface ServerWrapper {
  readonly name: string;
  readonly description?: string;
  /** Wraps a fresh server's handle; each server (each run) gets its own wrapper state. */
  wrap(next: ServerHandle, env: ServerEnv): ServerHandle;
}

/** Bound on the jobs one wrapper may schedule in a run. */
export const SERVER_JOBS_MAX = 100_000;

export interface EnvOptions {
  name: string;
  scheduler: Scheduler;
  rng: Rng;
  trace: Trace;
  records(): ServerRecord[];
}

/** The env of one wrapper in one run. */
export function createServerEnv(options: EnvOptions): ServerEnv {
  const { scheduler, rng, trace, name } = options;
  const start = scheduler.now();
  let jobs = 0;
  return {
    now: () => scheduler.now() - start,
    schedule(delayMs, label, job) {
      assert(Number.isFinite(delayMs) && delayMs >= 0, `server '${name}': schedule(${label}) needs a delay >= 0`);
      assert(++jobs <= SERVER_JOBS_MAX, `server '${name}': more than ${SERVER_JOBS_MAX} scheduled jobs`);
      scheduler.after(Math.round(delayMs), `server-hook:${name}:${label}`, job);
    },
    records: () => options.records(),
    random: rng,
    note(message, data = {}) {
      trace.record('server.hook', { server: name, message, ...data });
    },
  };
}

/** Hooks as a wrapper: before, the reference server (unless answered), after. */
export function wrapperOfHooks(hooks: ServerHooks): ServerWrapper {
  return {
    name: hooks.name,
    ...(hooks.description !== undefined ? { description: hooks.description } : {}),
    wrap(next, env) {
      hooks.start?.(env);
      return async (request, deviceId) => {
        const context: HookContext = { deviceId, env, next };
        const before = await hooks.beforeRequest?.(request, context);
        if (before instanceof Response) return before;
        const handed = before instanceof Request ? before : request;
        const response = await next(handed, deviceId);
        const after = await hooks.afterRequest?.(handed, response, context);
        return after instanceof Response ? after : response;
      };
    },
  };
}
