/**
 * @module client/reference/hooks
 * The seams of the reference client: each hook is one decision a sync engine makes, with
 * the reference (best-practice) answer as its default. A mutant client replaces one hook
 * with a classic mistake; nothing else changes, so the mutant is a readable diff.
 */
import type Database from 'better-sqlite3';
import type { ChangesPage, ConflictBody, ServerRecord, SyncOp } from '../../server/protocol.ts';
import { backoffDelayMs, type RetryableFailure } from './backoff.ts';
import { type CoalesceResult, coalesceWrites, type PendingWrite } from './coalesce.ts';
import type { ClientContext } from './context.ts';
import { mergeOnConflict } from './merge.ts';
import type { Coalescing } from './options.ts';
import { afterAppliedNothing, nextOps, recordAttempt, syncOpOf } from './outbox.ts';
import { applyPage, CURSOR_KEY, decideRemote, type PullRefusal, type RemoteDecision, refusePull } from './pull.ts';
import { revIsNewer } from './records.ts';
import { requireResync } from './resync.ts';
import type { OutboxRow, RecordRow } from './schema.ts';

export interface WireOp {
  op: SyncOp;
  /** Idempotency-Key header; undefined sends none. */
  key: string | undefined;
}

export interface ReferenceHooks {
  /** After the tables exist, before anything reads them. */
  afterSchema(db: Database.Database): void;
  /** Folds a new local write into the last unsent outbox row of its record. */
  coalesce(previous: PendingWrite, next: PendingWrite, mode: Coalescing): CoalesceResult;
  /** Durable bookkeeping before a row's request leaves (inside a transaction). */
  beforeSend(ctx: ClientContext, row: OutboxRow): void;
  /** The op and idempotency key a row is sent as. */
  wireOp(ctx: ClientContext, row: OutboxRow): WireOp;
  /** After the server applied a row, inside the acknowledging transaction. */
  afterApplied(ctx: ClientContext, row: OutboxRow, record: ServerRecord | null): void;
  /** Answer to a 409 (inside a transaction). */
  onConflict(ctx: ClientContext, row: OutboxRow, body: ConflictBody): void;
  /** A 401 arrived; the token is refreshed next. */
  onUnauthorized(ctx: ClientContext): void;
  /** How long to wait before retrying after `failure` (`failures` in a row, >= 1). */
  retryDelayMs(ctx: ClientContext, failure: RetryableFailure, failures: number): number;
  /** Whether a server state of rev `remoteRev` may replace a local base of rev `localRev` (null: none). */
  isNewer(localRev: number | null, remoteRev: number): boolean;
  /** What a pulled change does to its local record. */
  remoteDecision(
    ctx: ClientContext,
    local: RecordRow | undefined,
    remote: ServerRecord,
    pendingOps: number,
  ): RemoteDecision;
  /** Applies a pulled page and saves its cursor (the reference: one transaction for both). */
  applyPage(ctx: ClientContext, page: ChangesPage): void;
  /** What to do when a pull is refused with `status` (a 4xx other than 401 and 429). */
  refusePull(ctx: ClientContext, status: number): PullRefusal;
  /**
   * Takes the run lock before a sync run: true when this instance may run now. The
   * reference takes `env.locks` 'sync', so one run at a time across the device's instances.
   */
  takeRunLock(ctx: ClientContext): boolean;
  /** The outbox rows to send next, oldest first (the reference: at most one per record). */
  nextOps(ctx: ClientContext, limit: number): OutboxRow[];
  /**
   * The subscription now takes records the old one did not (inside the transaction that
   * stored it). The reference drops the cursor and sweeps from the start (subscription.ts).
   */
  subscriptionWidened(ctx: ClientContext): void;
}

/** Name of the lock the device's instances share for sync runs. */
export const SYNC_LOCK = 'sync';

export const REFERENCE_HOOKS: Readonly<ReferenceHooks> = Object.freeze({
  afterSchema: () => {},
  coalesce: coalesceWrites,
  beforeSend: recordAttempt,
  wireOp: (_ctx: ClientContext, row: OutboxRow): WireOp => ({ op: syncOpOf(row), key: row.opId }),
  afterApplied: afterAppliedNothing,
  onConflict: mergeOnConflict,
  onUnauthorized: () => {},
  retryDelayMs: (ctx: ClientContext, failure: RetryableFailure, failures: number) =>
    backoffDelayMs(failure, failures, ctx.options.timing, ctx.env.random),
  isNewer: revIsNewer,
  remoteDecision: decideRemote,
  applyPage,
  refusePull,
  takeRunLock: (ctx: ClientContext) => ctx.env.locks?.tryAcquire(SYNC_LOCK) ?? true,
  nextOps,
  subscriptionWidened: (ctx: ClientContext) => requireResync(ctx, CURSOR_KEY),
});
