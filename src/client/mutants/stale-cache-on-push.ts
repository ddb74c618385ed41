/**
 * @module client/mutants/stale-cache-on-push
 * Bug: the client keeps the first copy it pulled of each record in a cache and, when it sends
 * ops, reloads the records it is about to sync from that stale cache. The next pulled page
 * puts the current copies back, so the device goes back in time only for a while: from a
 * push until the pull that follows it (longer when the push fails and the run stops there).
 */
import type { ServerRecord } from '../../server/protocol.ts';
import type { ClientContext, RecordRow } from '../reference/index.ts';
import { applyPage, recordAttempt, refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

type Base = Pick<RecordRow, 'baseFields' | 'baseDeleted' | 'rev' | 'serverUpdatedAt'>;

interface Cache {
  /** The first copy pulled of each record, by `collection/id`. */
  first: Map<string, ServerRecord>;
  /** Records reloaded from the cache, with the base they really had. */
  replaced: Map<string, { stale: number; base: Base }>;
}

const caches = new WeakMap<ClientContext, Cache>();

function cacheOf(ctx: ClientContext): Cache {
  let cache = caches.get(ctx);
  if (cache === undefined) caches.set(ctx, (cache = { first: new Map(), replaced: new Map() }));
  return cache;
}

function baseOf(record: RecordRow): Base {
  const { baseFields, baseDeleted, rev, serverUpdatedAt } = record;
  return { baseFields: structuredClone(baseFields), baseDeleted, rev, serverUpdatedAt };
}

function reloadStale(ctx: ClientContext, collection: string, id: string): void {
  const cache = cacheOf(ctx);
  const key = `${collection}/${id}`;
  const stale = cache.first.get(key);
  const record = ctx.store.record(collection, id);
  if (stale === undefined || record === undefined || record.rev === null || record.rev <= stale.rev) return;
  if (!cache.replaced.has(key)) cache.replaced.set(key, { stale: stale.rev, base: baseOf(record) });
  const reloaded = { baseFields: structuredClone(stale.fields), baseDeleted: stale.deleted, rev: stale.rev };
  ctx.store.putRecord({ ...record, ...reloaded, serverUpdatedAt: stale.updatedAtServer });
  refreshRecord(ctx, collection, id);
}

function putBack(ctx: ClientContext): void {
  const cache = cacheOf(ctx);
  ctx.store.transaction(() => {
    for (const [key, entry] of cache.replaced) {
      const [collection, id] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      const record = ctx.store.record(collection, id);
      if (record === undefined || record.rev !== entry.stale) continue;
      ctx.store.putRecord({ ...record, ...entry.base });
      refreshRecord(ctx, collection, id);
    }
  });
  cache.replaced.clear();
}

export const staleCacheOnPush = defineMutant({
  name: 'stale-cache-on-push',
  description: 'Reloads records from a stale first-pull cache when it pushes; the next pull puts them back.',
  invariant: 'no-regression',
  options: {
    hooks: {
      beforeSend(ctx, row) {
        recordAttempt(ctx, row);
        reloadStale(ctx, row.collection, row.recordId);
      },
      applyPage(ctx, page) {
        putBack(ctx);
        const first = cacheOf(ctx).first;
        for (const change of page.changes) {
          const key = `${change.collection}/${change.id}`;
          if (!first.has(key)) first.set(key, structuredClone(change));
        }
        applyPage(ctx, page);
      },
    },
  },
});
