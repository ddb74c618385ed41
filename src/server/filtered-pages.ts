/**
 * @module server/filtered-pages
 * Pages of a pull that carries a subscription (server/subscription.ts). The server walks the
 * same order as an unfiltered page (change sequence, checkpoint order or creation order) and
 * hands out, for each record it passes:
 * - a live record in the subscription: as it is;
 * - a tombstone of a collection the subscription names: as it is (a delete);
 * - a live record of such a collection that is not in the subscription: a **moved-out**
 *   change (`movedOut: true`, no fields), since the device may hold it from before. The
 *   server does not track which device holds what, so a device may get a moved-out for a
 *   record it never held; it ignores it;
 * - anything of a collection the subscription does not name: nothing (but the position moves
 *   past it, so the next page does not walk it again).
 */
import type { ServerContext } from './context.ts';
import type { PageQuery } from './pages.ts';
import type { StoredRecord } from './store.ts';
import { inSubscription, type Subscription, subscribesTo } from './subscription.ts';

/** One handed-out record and the position right after it. */
export interface FilteredEntry {
  record: StoredRecord;
  after: PageQuery;
}

export interface FilteredSelection {
  entries: FilteredEntry[];
  /** The position after the last record walked (past the skipped ones too). */
  end: PageQuery;
}

/** Bound on records walked for one page (a store is far smaller in any run). */
const WALK_MAX = 1_000_000;

/** What a subscribed device is handed for `record` (undefined: nothing). */
export function filterRecord(record: StoredRecord, subscription: Subscription): StoredRecord | undefined {
  if (!subscribesTo(subscription, record.collection)) return undefined;
  if (record.deleted || inSubscription(subscription, record.collection, record.fields)) return record;
  return Object.freeze({ ...record, fields: Object.freeze({}), movedOut: true as const });
}

function step(context: ServerContext, position: PageQuery): StoredRecord | undefined {
  const { store } = context;
  if (position.mode === 'cursor') return store.changesAfterSeq(position.since, 1).records[0];
  if (position.mode === 'checkpoint') return store.changesAfterCheckpoint(position.after, 1).records[0];
  return store.snapshotSlice(position.position.offset, 1)[0];
}

function advance(position: PageQuery, record: StoredRecord): PageQuery {
  if (position.mode === 'cursor') return { mode: 'cursor', since: record.seq };
  if (position.mode === 'checkpoint') return { mode: 'checkpoint', after: record };
  return { mode: 'snapshot', position: { ...position.position, offset: position.position.offset + 1 } };
}

/** Up to `limit` handed-out records from `query` on, walking past the ones the device does not get. */
export function selectFiltered(
  context: ServerContext,
  query: PageQuery,
  limit: number,
  subscription: Subscription,
): FilteredSelection {
  const entries: FilteredEntry[] = [];
  let position = query;
  for (let walked = 0; walked < WALK_MAX && entries.length < limit; walked++) {
    const record = step(context, position);
    if (record === undefined) break;
    position = advance(position, record);
    const handed = filterRecord(record, subscription);
    if (handed !== undefined) entries.push({ record: handed, after: position });
  }
  return { entries, end: position };
}

/** Whether a filtered page from `position` would hand out at least one record now. */
export function filteredHasRecords(context: ServerContext, position: PageQuery, subscription: Subscription): boolean {
  return selectFiltered(context, position, 1, subscription).entries.length > 0;
}
