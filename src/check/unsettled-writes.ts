/**
 * @module check/unsettled-writes
 * Which of a device's committed writes were still open at a given moment: not yet applied by
 * the server, and with no reason the client may rightly have stopped sending them. The
 * status-honesty checker reads it: at such a moment the device must not say "nothing
 * pending", nor show the record as synced.
 *
 * The judgement leans towards "settled" wherever the black-box history cannot tell, so that
 * an honest client is never flagged. A write counts as settled at seq `at` when, before `at`:
 * - the server applied an op of the device on the record after the write (a later op, or
 *   an earlier one still in flight, may hide a lie: lenient);
 * - the server refused an op of the device on the record after the write (the client may
 *   merge, park or drop it: a 409, a 422);
 * - another writer changed the record beyond the rev the writer had seen (a server-wins or
 *   delete-wins client may drop its write for it; a manual one may turn it into a conflict);
 * - the device deleted the record itself afterwards (a create or update coalesced away), or
 *   resolved a conflict on it afterwards (a write made into a conflict goes with its fate), or
 *   the write is a delete of a record the server does not hold live (never had, or deleted);
 * and always when the moment's view shows a conflict on the record, or the record with status
 * `error` or `needs-review`. Resolutions are left to resolutions-honoured.
 */
import type { DeviceHistory, DeviceView, RecordHistory, UserWrite } from './history.ts';
import { writeKey } from './history-index.ts';
import { type RecordKey, recordKey } from './values.ts';

/** A write of the device, with its record. */
export interface OpenWrite {
  write: Exclude<UserWrite, { type: 'user.resolve' }>;
  key: RecordKey;
}

function seenRev(write: OpenWrite['write']): number {
  if (write.type === 'user.create') return 0;
  return write.seen?.rev ?? 0;
}

/** True when the write was settled before seq `at` by the server's history or the device's own later delete. */
function settledBefore(device: DeviceHistory, record: RecordHistory | undefined, open: OpenWrite, at: number): boolean {
  const { write } = open;
  const inside = (seq: number) => seq > write.seq && seq < at;
  if (record === undefined) return write.type === 'user.delete';
  if (record.applies.some((apply) => inside(apply.seq) && apply.device === device.device)) return true;
  const rejected = device.rejects.some(
    (reject) =>
      inside(reject.seq) &&
      reject.collection !== undefined &&
      reject.id !== undefined &&
      recordKey(reject.collection, reject.id) === open.key,
  );
  if (rejected) return true;
  const beyond = seenRev(write);
  if (record.applies.some((apply) => apply.seq < at && apply.device !== device.device && apply.revAfter > beyond))
    return true;
  if (write.type === 'user.delete' && record.applies.findLast((apply) => apply.seq < at)?.deleted !== false)
    return true;
  return device.writes.some(
    (later) =>
      (later.type === 'user.delete' || later.type === 'user.resolve') &&
      inside(later.seq) &&
      writeKey(later) === open.key,
  );
}

/** True when the view itself accounts for the record: a conflict on it, or a status other than pending/synced. */
function shownAsUnsettled(view: DeviceView, key: RecordKey): boolean {
  if (view.conflicts.some((conflict) => recordKey(conflict.collection, conflict.recordId) === key)) return true;
  return view.records.some(
    (record) =>
      recordKey(record.collection, record.id) === key &&
      (record.status === 'error' || record.status === 'needs-review'),
  );
}

/** The device's writes still open at `view` (committed before it, unsettled by then). */
export function openWritesAt(
  device: DeviceHistory,
  byRecord: ReadonlyMap<RecordKey, RecordHistory>,
  view: DeviceView,
): OpenWrite[] {
  const open: OpenWrite[] = [];
  for (const write of device.writes) {
    if (write.seq > view.seq) break;
    if (write.type === 'user.resolve') continue;
    const entry: OpenWrite = { write, key: writeKey(write) };
    if (settledBefore(device, byRecord.get(entry.key), entry, view.seq)) continue;
    if (shownAsUnsettled(view, entry.key)) continue;
    open.push(entry);
  }
  return open;
}
