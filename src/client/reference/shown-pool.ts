/**
 * @module client/reference/shown-pool
 * One frozen record object for every device that shows the same row. At 1,000 devices every
 * device shows every record, and each device's list cache (shown-cache.ts) parsed and froze
 * its own copy: millions of long-lived objects, each made from a row just written, most of
 * them surviving young-generation collections (a quarter of a run's CPU went to the
 * garbage collector). The rows of two devices that show the same collection, id, rev,
 * status and fields JSON make the same record, and a frozen record cannot change: one
 * object serves them all.
 *
 * Sharing is invisible to what a run records: a shown record is immutable plain data, so
 * everything downstream (the trace, heal, the checkers) sees the same values whether two
 * devices hold one object or two; object identity only ever lets the trace encoder skip
 * serialising a record it saw in the same device's previous view, whose JSON is then equal.
 * The pool is process-wide, bounded, and forgets everything when full.
 */
import { deepFreeze } from '../../kernel/frozen.ts';
import type { Fields, LocalRecord, RecordStatus } from '../contract.ts';

/** Records kept before the pool starts again (a run at 1,000 devices makes ~10 k versions). */
export const SHOWN_POOL_MAX = 100_000;

const pool = new Map<string, LocalRecord>();

/**
 * The frozen record a row shows (`fields` as JSON, as stored). Each part but the last is
 * length-prefixed, so two different rows never share a key.
 */
export function pooledShown(
  collection: string,
  id: string,
  fields: string,
  status: RecordStatus,
  rev: number | null,
): LocalRecord {
  const key = `${collection.length}:${collection}${id.length}:${id}${String(status).length}:${status}${rev}:${fields}`;
  let record = pool.get(key);
  if (record === undefined) {
    record = deepFreeze({ id, collection, fields: JSON.parse(fields) as Fields, status, rev });
    if (pool.size >= SHOWN_POOL_MAX) pool.clear();
    pool.set(key, record);
  }
  return record;
}
