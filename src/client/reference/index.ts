/**
 * @module client/reference
 * The reference client: the best-practice implementation every seed must pass.
 *
 * @example
 * ```ts
 * const client = createReferenceClient({ coalescing: 'per-field', batching: true });
 * ```
 */
import type { ClientEnv, ClientFactory, SyncClient } from '../contract.ts';
import { ReferenceClient } from './client.ts';
import { CRASH_POINTS } from './crash-points.ts';
import { REFERENCE_HOOKS, type ReferenceHooks } from './hooks.ts';
import { type ReferenceClientOptions, resolveOptions } from './options.ts';

export interface CreateReferenceClientOptions extends ReferenceClientOptions {
  /** Replaces some decisions of the reference client (how mutants are made). */
  hooks?: Partial<ReferenceHooks>;
  /** Crash points the hooks add to the reference ones. */
  crashPoints?: readonly string[];
}

/** A factory for the reference client (or a variant of it, when `hooks` are given). */
export function createReferenceClient(options: CreateReferenceClientOptions = {}): ClientFactory {
  const resolved = resolveOptions(options);
  const hooks: ReferenceHooks = { ...REFERENCE_HOOKS, ...options.hooks };
  return {
    name: resolved.name,
    description: resolved.description,
    policy: resolved.policy,
    collections: resolved.collections,
    crashPoints: [...CRASH_POINTS, ...(options.crashPoints ?? [])],
    // Instances share the SQLite outbox and take turns under env.locks (run.ts); the
    // subscription lives in storage too (subscription.ts).
    capabilities: { instances: true, subscriptions: true },
    async start(env: ClientEnv): Promise<SyncClient> {
      return ReferenceClient.start(env, resolved, hooks);
    },
  };
}

/** The reference client with default options (per-record coalescing, no batching). */
export const referenceClient: ClientFactory = createReferenceClient();

export type { RetryableFailure } from './backoff.ts';
export { backoffDelayMs } from './backoff.ts';
export { DATABASE_NAME, ReferenceClient } from './client.ts';
export type { CoalesceResult, PendingWrite } from './coalesce.ts';
export { coalesceWrites } from './coalesce.ts';
export type { ClientContext } from './context.ts';
export { CRASH_POINTS, type CrashPointName } from './crash-points.ts';
export { REFERENCE_HOOKS, type ReferenceHooks, SYNC_LOCK, type WireOp } from './hooks.ts';
export { mergeOnConflict } from './merge.ts';
export {
  type Coalescing,
  DEFAULT_BOUNDS,
  DEFAULT_TIMING,
  REFERENCE_POLICY,
  type ReferenceClientOptions,
} from './options.ts';
export { nextOps, recordAttempt, syncOpOf } from './outbox.ts';
export {
  applyChange,
  applyPage,
  CURSOR_KEY,
  decideRemote,
  PULL_STOPPED_KEY,
  type PullRefusal,
  type RemoteDecision,
  refusePull,
} from './pull.ts';
export { adoptBase, isNewer, refreshRecord, revIsNewer } from './records.ts';
export { OUTBOX_COLUMNS_SQL, type OutboxRow, type RecordRow } from './schema.ts';
export { Store } from './store.ts';
