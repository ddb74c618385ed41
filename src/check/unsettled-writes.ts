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
import { keyOf } from './record-keys.ts';
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

/**
 * The seq from which the write counts as settled by the server's history or the device's own
 * later write (every condition but the delete rule below holds for good once it holds).
 */
function settledFrom(device: DeviceHistory, record: RecordHistory | undefined, open: OpenWrite): number {
  const { write } = open;
  let from = Number.POSITIVE_INFINITY;
  const after = (seq: number) => seq > write.seq && seq < from;
  for (const apply of record?.applies ?? []) {
    if (apply.device === device.device ? after(apply.seq) : apply.revAfter > seenRev(write))
      from = Math.min(from, apply.seq);
  }
  for (const reject of device.rejects) {
    if (reject.collection === undefined || reject.id === undefined || !after(reject.seq)) continue;
    if (recordKey(reject.collection, reject.id) === open.key) from = reject.seq;
  }
  for (const later of device.writes) {
    if (later.type !== 'user.delete' && later.type !== 'user.resolve') continue;
    if (after(later.seq) && writeKey(later) === open.key) from = later.seq;
  }
  return from;
}

/** A delete is settled while the server does not hold the record live (never had it, or deleted it). */
function deleteMoot(record: RecordHistory | undefined, at: number): boolean {
  return record?.applies.findLast((apply) => apply.seq < at)?.deleted !== false;
}

/** True when the view itself accounts for the record: a conflict on it, or a status other than pending/synced. */
function shownAsUnsettled(view: DeviceView, key: RecordKey): boolean {
  if (view.conflicts.some((conflict) => recordKey(conflict.collection, conflict.recordId) === key)) return true;
  return view.records.some(
    (record) => keyOf(record) === key && (record.status === 'error' || record.status === 'needs-review'),
  );
}

/** A device's writes, each with the seq from which it is settled; asked view by view. */
export class OpenWrites {
  private readonly writes: { open: OpenWrite; record: RecordHistory | undefined; from: number }[] = [];

  constructor(device: DeviceHistory, byRecord: ReadonlyMap<RecordKey, RecordHistory>) {
    for (const write of device.writes) {
      if (write.type === 'user.resolve') continue;
      const open: OpenWrite = { write, key: writeKey(write) };
      const record = byRecord.get(open.key);
      this.writes.push({ open, record, from: settledFrom(device, record, open) });
    }
  }

  /** The writes still open at `view` (committed before it, unsettled by then). */
  at(view: DeviceView): OpenWrite[] {
    const open: OpenWrite[] = [];
    for (const entry of this.writes) {
      if (entry.open.write.seq > view.seq) break;
      if (entry.from < view.seq) continue;
      if (entry.open.write.type === 'user.delete' && deleteMoot(entry.record, view.seq)) continue;
      if (shownAsUnsettled(view, entry.open.key)) continue;
      open.push(entry.open);
    }
    return open;
  }
}
