/**
 * @module client/reference/pull
 * The pull half of a sync run: pages of `GET /changes` from the saved cursor; each page is
 * applied together with its cursor in one transaction, so a kill either keeps both or
 * neither. A pulled change never goes back to an older rev, never overwrites pending local
 * edits (it waits in the record's shadow until they are through) and a tombstone is kept
 * as a tombstone.
 */
import type { ChangesPage, ServerRecord } from '../../server/protocol.ts';
import { ROUTES } from '../../server/protocol.ts';
import { SUBSCRIPTION_PARAM } from '../../server/subscription.ts';
import { adoptFresh } from './adopt-fresh.ts';
import type { RetryableFailure } from './backoff.ts';
import { type ClientContext, log } from './context.ts';
import { request } from './http.ts';
import { PAGE_READS_MIN, PageReads } from './page-reads.ts';
import { adoptBase, deferRemote, isNewer, refreshRecord } from './records.ts';
import { beginPull, finishSweep, RESYNC_STATUSES, requireResync, sweepSaw } from './resync.ts';
import type { RecordRow } from './schema.ts';
import { applyMovedOut, pruneOutside, SUBSCRIPTION_KEY } from './subscription.ts';

export const CURSOR_KEY = 'cursor';

/** Set (durably) when a client stops pulling for good ('stop-pulling': a mutant's reaction). */
export const PULL_STOPPED_KEY = 'pull_stopped';

/** Cursor resets one run answers with a sweep; past it the run backs off (a server that keeps forgetting). */
export const RESETS_PER_RUN_MAX = 1;

/**
 * What a client does when a pull is refused with a 4xx other than 401 and 429:
 * - `resync`: drop the cursor and sweep from the start now (the reference on 409/410);
 * - `resync-later`: drop the cursor, back off, sweep on the next run (the reference on the rest);
 * - `retry`: send the same request again at once, in a run right after this one (a bug: the
 *   answer will not change);
 * - `stop-pulling`: never pull again (a bug: the change feed dies).
 */
export type PullRefusal = 'resync' | 'resync-later' | 'retry' | 'stop-pulling';

/** The reference reaction: 409 must-refetch and 410 Gone resync now; any other refusal later. */
export function refusePull(_ctx: ClientContext, status: number): PullRefusal {
  return RESYNC_STATUSES.includes(status) ? 'resync' : 'resync-later';
}

/** What a pulled change does to its record. */
export type RemoteDecision = 'apply' | 'defer' | 'skip';

export interface PullResult {
  pulled: number;
  stop?: RetryableFailure;
  bounded?: boolean;
}

/** The reference decision: older or equal revs are skipped; pending local edits defer the change. */
export function decideRemote(
  ctx: ClientContext,
  local: RecordRow | undefined,
  remote: ServerRecord,
  pendingOps: number,
): RemoteDecision {
  if (!isNewer(ctx, local, remote)) return 'skip';
  return pendingOps > 0 ? 'defer' : 'apply';
}

/**
 * Applies one pulled change. `reads`: what was read for its whole page (page-reads.ts), used
 * while only the fast path has written, dropped as soon as another path writes.
 */
export function applyChange(ctx: ClientContext, change: ServerRecord, reads?: PageReads): RemoteDecision {
  if (change.movedOut === true) {
    reads?.forget();
    applyMovedOut(ctx, change);
    return 'apply';
  }
  const known = reads?.take(change);
  const local = known === undefined ? ctx.store.record(change.collection, change.id) : known.local;
  const pendingOps = known === undefined ? ctx.store.opsFor(change.collection, change.id).length : known.pendingOps;
  const decision = ctx.hooks.remoteDecision(ctx, local, change, pendingOps);
  // The common case in one read and one write (a replaced decision keeps the general path).
  if (decision === 'apply' && pendingOps === 0 && ctx.hooks.remoteDecision === decideRemote) {
    if (adoptFresh(ctx, local, change, known?.contested)) return decision;
  }
  if (decision !== 'skip') reads?.forget();
  if (decision === 'defer') deferRemote(ctx, change);
  if (decision === 'apply') {
    adoptBase(ctx, change);
    refreshRecord(ctx, change.collection, change.id);
  }
  return decision;
}

/** The reference page commit: every change and the new cursor, in one transaction. */
export function applyPage(ctx: ClientContext, page: ChangesPage): void {
  ctx.env.crashPoint('after-pull-before-apply');
  ctx.store.transaction(() => {
    // Read ahead only for the reference decision (a mutant's may write as it decides).
    const reads =
      page.changes.length >= PAGE_READS_MIN && ctx.hooks.remoteDecision === decideRemote
        ? PageReads.read(ctx.store, page.changes)
        : undefined;
    for (const change of page.changes) applyChange(ctx, change, reads);
    ctx.store.kvSet(CURSOR_KEY, page.next);
  });
}

function isPage(body: unknown): body is ChangesPage {
  const page = body as ChangesPage | undefined;
  return Array.isArray(page?.changes) && typeof page?.next === 'string' && typeof page?.hasMore === 'boolean';
}

function changesPath(ctx: ClientContext): string {
  const query = new URLSearchParams({ limit: String(ctx.options.timing.pageLimit) });
  const cursor = ctx.store.kvGet(CURSOR_KEY);
  if (cursor !== undefined) query.set('since', cursor);
  const subscription = ctx.store.kvGet(SUBSCRIPTION_KEY);
  if (subscription !== undefined) query.set(SUBSCRIPTION_PARAM, subscription);
  return `${ROUTES.changes}?${query.toString()}`;
}

/**
 * The status of a refused pull, if it was one: a 4xx other than 401 and 429, and other than
 * 408 and 412, which say "not now" (the run backs off and retries the same cursor).
 */
function refusedStatus(outcome: Awaited<ReturnType<typeof request>>): number | undefined {
  if (outcome.kind === 'rejected') return outcome.status;
  if (outcome.kind === 'unavailable' && outcome.status === 409) return outcome.status;
  return undefined;
}

/** A refused pull: go on in this run ('retry', 'resync') or end it with this result. */
function onRefused(
  ctx: ClientContext,
  status: number,
  resets: number,
): 'retry' | 'resync' | Omit<PullResult, 'pulled'> {
  const reaction = ctx.hooks.refusePull(ctx, status);
  log(
    ctx,
    'pull-result',
    reaction === 'resync-later' ? { result: 'rejected', status } : { result: 'rejected', status, reaction },
  );
  if (reaction === 'retry') return 'retry';
  if (reaction === 'stop-pulling') {
    ctx.store.kvSet(PULL_STOPPED_KEY, String(status));
    return {};
  }
  // The server no longer knows our cursor (or refuses it): sweep from the start. Applies are
  // rev-guarded and pending writes stay in the outbox, so this loses nothing.
  requireResync(ctx, CURSOR_KEY);
  if (reaction === 'resync-later' || resets >= RESETS_PER_RUN_MAX) return { stop: { kind: 'unavailable', status } };
  beginPull(ctx, CURSOR_KEY);
  return 'resync';
}

/** What one page request led to: go on (another page, or a sweep from the start) or end the pull. */
interface PageStep {
  next: 'page' | 'resync' | 'end';
  /** Changes the page applied. */
  pulled: number;
  /** How the pull ends ('end'). */
  result?: Omit<PullResult, 'pulled'>;
}

/**
 * One page: requested, checked and applied. Its own function, so that nothing of the page
 * (a parsed body of dozens of records) is held by `pull`'s frame while the next request is
 * on its way: at 1,000 devices every device's last page outlived young-generation
 * collections that way (≈ 100 MB promoted per run, bench/README.md session 10).
 */
async function pullPage(ctx: ClientContext, resets: number): Promise<PageStep> {
  const subscription = ctx.store.kvGet(SUBSCRIPTION_KEY);
  const outcome = await request(ctx, { method: 'GET', path: changesPath(ctx) });
  const status = refusedStatus(outcome);
  if (status !== undefined) {
    const refused = onRefused(ctx, status, resets);
    // The same request again as soon as the next run can start (a bug only a mutant has).
    if (refused === 'retry') return { next: 'end', pulled: 0, result: { bounded: true } };
    if (refused === 'resync') return { next: 'resync', pulled: 0 };
    return { next: 'end', pulled: 0, result: refused };
  }
  if (outcome.kind !== 'ok' || !isPage(outcome.body)) {
    log(ctx, 'pull-result', { result: outcome.kind === 'ok' ? 'unreadable' : outcome.kind });
    const stop =
      outcome.kind === 'ok' || outcome.kind === 'conflict' || outcome.kind === 'rejected' ? undefined : outcome;
    const result = {
      stop: stop ?? { kind: 'unavailable' as const, status: outcome.kind === 'ok' ? outcome.status : 409 },
    };
    return { next: 'end', pulled: 0, result };
  }
  // The subscription changed while the page was on its way: the page (and its cursor) were
  // for the old one; the next run pulls with the new one (a widening dropped the cursor).
  if (ctx.store.kvGet(SUBSCRIPTION_KEY) !== subscription) {
    log(ctx, 'pull-result', { result: 'subscription-changed' });
    return { next: 'end', pulled: 0, result: { bounded: true } };
  }
  const page = outcome.body;
  ctx.hooks.applyPage(ctx, page);
  if (ctx.store.kvGet(SUBSCRIPTION_KEY) !== undefined) ctx.store.transaction(() => pruneOutside(ctx));
  sweepSaw(ctx, page.changes, CURSOR_KEY);
  log(ctx, 'pull-page', { result: 'applied', changes: page.changes.length, hasMore: page.hasMore });
  ctx.env.crashPoint('after-pull-commit');
  if (page.hasMore) return { next: 'page', pulled: page.changes.length };
  finishSweep(ctx);
  return { next: 'end', pulled: page.changes.length, result: {} };
}

/** Pulls pages until the server has no more, a failure stops the run, or a bound is reached. */
export async function pull(ctx: ClientContext): Promise<PullResult> {
  let pulled = 0;
  let resets = 0;
  if (ctx.store.kvGet(PULL_STOPPED_KEY) !== undefined) return { pulled };
  beginPull(ctx, CURSOR_KEY);
  for (let pages = 0; pages < ctx.options.bounds.pagesPerRunMax; pages++) {
    if (ctx.state.requests >= ctx.options.bounds.requestsPerRunMax) return { pulled, bounded: true };
    const step = await pullPage(ctx, resets);
    pulled += step.pulled;
    if (step.next === 'end') return { pulled, ...step.result };
    if (step.next === 'resync') resets++;
  }
  return { pulled, bounded: true };
}
