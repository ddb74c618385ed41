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
import type { RetryableFailure } from './backoff.ts';
import { type ClientContext, log } from './context.ts';
import { request } from './http.ts';
import { adoptBase, deferRemote, isNewer, refreshRecord } from './records.ts';
import type { RecordRow } from './schema.ts';

export const CURSOR_KEY = 'cursor';

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

export function applyChange(ctx: ClientContext, change: ServerRecord): RemoteDecision {
  const local = ctx.store.record(change.collection, change.id);
  const pendingOps = ctx.store.opsFor(change.collection, change.id).length;
  const decision = ctx.hooks.remoteDecision(ctx, local, change, pendingOps);
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
    for (const change of page.changes) applyChange(ctx, change);
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
  return `${ROUTES.changes}?${query.toString()}`;
}

/** Pulls pages until the server has no more, a failure stops the run, or a bound is reached. */
export async function pull(ctx: ClientContext): Promise<PullResult> {
  let pulled = 0;
  for (let pages = 0; pages < ctx.options.bounds.pagesPerRunMax; pages++) {
    if (ctx.state.requests >= ctx.options.bounds.requestsPerRunMax) return { pulled, bounded: true };
    const outcome = await request(ctx, { method: 'GET', path: changesPath(ctx) });
    if (outcome.kind === 'rejected') {
      // The server no longer knows our cursor: start over (applies are rev-guarded, so this is safe).
      log(ctx, 'pull-result', { result: 'rejected', status: outcome.status });
      ctx.store.kvDelete(CURSOR_KEY);
      return { pulled, stop: { kind: 'unavailable', status: outcome.status } };
    }
    if (outcome.kind !== 'ok' || !isPage(outcome.body)) {
      log(ctx, 'pull-result', { result: outcome.kind === 'ok' ? 'unreadable' : outcome.kind });
      const stop = outcome.kind === 'ok' || outcome.kind === 'conflict' ? undefined : outcome;
      return { pulled, stop: stop ?? { kind: 'unavailable', status: outcome.kind === 'ok' ? outcome.status : 409 } };
    }
    const page = outcome.body;
    ctx.hooks.applyPage(ctx, page);
    pulled += page.changes.length;
    log(ctx, 'pull-page', { result: 'applied', changes: page.changes.length, hasMore: page.hasMore });
    ctx.env.crashPoint('after-pull-commit');
    if (!page.hasMore) return { pulled };
  }
  return { pulled, bounded: true };
}
