/**
 * @module client/reference/context
 * What every part of the reference client works with: the device's environment, the store,
 * the resolved options, the hooks (the seams mutants override) and a little runtime state
 * that does not need to survive a kill.
 */
import type { ClientEnv } from '../contract.ts';
import type { ReferenceHooks } from './hooks.ts';
import type { ResolvedOptions } from './options.ts';
import type { Store } from './store.ts';

export interface RuntimeState {
  /** Id of the sync run in progress, for log events. */
  syncRunId: string | undefined;
  /** Requests made by the run in progress (bounded by `requestsPerRunMax`). */
  requests: number;
  /** Consecutive failed runs (drives the backoff); 0 after a run that got through. */
  failures: number;
  /** Sync runs started by this instance. */
  runs: number;
  /** Records handed out by the resync sweep in progress (resync.ts); undefined: no sweep. */
  sweep?: Set<string>;
  /** The cursor the sweep in progress left in storage (another instance may move it meanwhile). */
  sweepCursor?: string | undefined;
}

export interface ClientContext {
  readonly env: ClientEnv;
  readonly store: Store;
  readonly options: ResolvedOptions;
  readonly hooks: ReferenceHooks;
  readonly state: RuntimeState;
}

/** Logs `client.<type>` as part of the sync run in progress (with its `syncRunId`). */
export function log(ctx: ClientContext, type: string, data: Record<string, unknown> = {}): void {
  ctx.env.log({ type, ...(ctx.state.syncRunId === undefined ? {} : { syncRunId: ctx.state.syncRunId }), ...data });
}

/** Logs `client.<type>` for something the app did (a write, a resolve), outside any sync run. */
export function logApp(ctx: ClientContext, type: string, data: Record<string, unknown> = {}): void {
  ctx.env.log({ type, ...data });
}
