/**
 * @module examples/memory-client/pull
 * The pull half of a sync run: pages of `GET /changes` from the saved cursor. Each page is
 * committed with its cursor in one transaction (a kill keeps both or neither). A change
 * replaces the base only when its rev is higher than the one the device holds, so an old
 * or repeated delta never takes a record back; deletions stay as tombstones, so an older
 * copy that arrives late cannot bring a deleted record back either.
 */
import type { ChangesPage, ServerRecord } from 'syncstorm';
import { send } from './http.ts';
import type { RunContext, Stop } from './run-context.ts';
import { type Change, recordKey } from './store.ts';

export const PAGE_LIMIT = 100;
export const PAGES_PER_RUN_MAX = 50;

function isPage(body: unknown): body is ChangesPage {
  const page = body as ChangesPage | undefined;
  return Array.isArray(page?.changes) && typeof page?.next === 'string' && typeof page?.hasMore === 'boolean';
}

/** The base changes a page brings: per record, its newest copy if newer than what the device holds. */
export function pageChanges(ctx: RunContext, changes: readonly ServerRecord[]): Change[] {
  const newest = new Map<string, ServerRecord>();
  for (const change of changes) {
    const key = recordKey(change.collection, change.id);
    const held = newest.get(key)?.rev ?? ctx.store.bases.get(key)?.rev ?? 0;
    if (change.rev > held) newest.set(key, change);
  }
  return [...newest.entries()].map(([key, { collection, id, rev, deleted, fields }]) => ({
    kind: 'base',
    key,
    value: { collection, id, rev, deleted, fields },
  }));
}

export async function pull(ctx: RunContext): Promise<{ pulled: number; stop?: Stop }> {
  let pulled = 0;
  for (let pages = 0; pages < PAGES_PER_RUN_MAX; pages++) {
    const cursor = ctx.store.meta.get('cursor');
    const query = new URLSearchParams({
      limit: String(PAGE_LIMIT),
      ...(cursor === undefined ? {} : { since: cursor }),
    });
    ctx.requests++;
    const outcome = await send(ctx.env, ctx.store, { method: 'GET', path: `/changes?${query}` });
    if (outcome.kind === 'rejected') {
      // The server no longer knows the cursor: start over (rev checks make that safe).
      ctx.store.commit([{ kind: 'meta', key: 'cursor' }]);
      return { pulled, stop: { reason: 'cursor rejected' } };
    }
    if (outcome.kind === 'retry') return { pulled, stop: outcome };
    if (outcome.kind !== 'ok' || !isPage(outcome.body)) return { pulled, stop: { reason: `pull: ${outcome.kind}` } };
    const page = outcome.body;
    ctx.env.crashPoint('after-pull-before-apply');
    ctx.store.commit([...pageChanges(ctx, page.changes), { kind: 'meta', key: 'cursor', value: page.next }]);
    pulled += page.changes.length;
    ctx.env.log({ type: 'pull-page', changes: page.changes.length, hasMore: page.hasMore });
    if (!page.hasMore) return { pulled };
  }
  return { pulled, stop: { reason: 'page bound', waitMs: 0 } };
}
