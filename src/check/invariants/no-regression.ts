/**
 * @module check/invariants/no-regression
 * A device never goes back to an older revision of a record: across all its views (kills and
 * restarts included) the rev it shows for a record never decreases, nor goes from a rev back
 * to null; and a record shown as synced twice at the same rev shows the same fields both
 * times, unless the device itself wrote to it in between. See docs/invariants.md.
 */
import type { LocalRecord } from '../../client/contract.ts';
import type { DeviceHistory, DeviceView } from '../history.ts';
import { writeKey } from '../history-index.ts';
import { keyOf } from '../record-keys.ts';
import { differingFields, type RecordKey, recordKey, show } from '../values.ts';
import { type ViewChange, viewChanges } from '../view-changes.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

interface Shown {
  record: LocalRecord;
  view: DeviceView;
}

/** True when the device wrote (or may have written) the record between two seqs. */
function wroteBetween(device: DeviceHistory, key: RecordKey, from: number, until: number): boolean {
  const inside = (seq: number) => seq > from && seq < until;
  if (device.writes.some((write) => inside(write.seq) && writeKey(write) === key)) return true;
  return device.interrupted.some(
    (event) =>
      inside(event.seq) &&
      (event.collection === undefined || event.id === undefined || recordKey(event.collection, event.id) === key),
  );
}

function compare(device: DeviceHistory, key: RecordKey, previous: Shown, current: Shown): Violation | undefined {
  const [before, after] = [previous.record, current.record];
  const where = { device: device.device, collection: after.collection, recordId: after.id };
  const seqs = [previous.view.seq, current.view.seq];
  const when = `${device.device}'s ${current.view.reason} view (seq ${current.view.seq})`;
  if (before.rev !== null && (after.rev === null || after.rev < before.rev)) {
    const message = `${when} shows ${key} at rev ${after.rev}, older than the rev ${before.rev} it showed at seq ${previous.view.seq}`;
    return violation('no-regression', message, seqs, { ...where, expected: `rev >= ${before.rev}`, actual: after.rev });
  }
  const sameSyncedRev =
    after.rev !== null && after.rev === before.rev && before.status === 'synced' && after.status === 'synced';
  if (!sameSyncedRev || before.fields === after.fields) return undefined;
  const fields = differingFields(before.fields, after.fields);
  if (fields.length === 0 || wroteBetween(device, key, previous.view.seq, current.view.seq)) return undefined;
  const message = `${when} shows ${key} synced at rev ${after.rev} with ${fields.join(', ')} changed since seq ${previous.view.seq} (${show(Object.fromEntries(fields.map((field) => [field, before.fields[field] ?? null])))} became ${show(Object.fromEntries(fields.map((field) => [field, after.fields[field] ?? null])))}), with no write of its own in between: one of the two is not what rev ${after.rev} holds`;
  return violation('no-regression', message, seqs, { ...where, expected: before.fields, actual: after.fields });
}

/**
 * The last record each key showed, and the last view that showed it. An entry whose record
 * is in the device's latest view (`live`) may keep an older `view`: its last view is the
 * latest one (see checkDevice).
 */
interface Last extends Shown {
  live: boolean;
}

function checkDevice(device: DeviceHistory): Violation[] {
  const violations: Violation[] = [];
  const last = new Map<RecordKey, Last>();
  // Each record compared with the one its key showed last, in the last view that showed it.
  const visit = (record: LocalRecord, view: DeviceView) => {
    const key = keyOf(record);
    const previous = last.get(key);
    const current = { record, view, live: true };
    if (previous !== undefined && previous.view.seq !== view.seq) {
      const found = compare(device, key, previous, current);
      if (found !== undefined) violations.push(found);
    }
    last.set(key, current);
  };
  let before: ViewChange | undefined;
  for (const change of viewChanges(device).changes) {
    const { view } = change;
    if (before === undefined || !change.uniqueKeys || !before.uniqueKeys) {
      // Every record, in view order, as ever; the entries of the previous view's records first
      // get that view as their last one.
      if (before !== undefined)
        for (const record of before.view.records) settle(last.get(keyOf(record)), record, before.view);
      for (const record of view.records) visit(record, view);
    } else {
      // Both views list each key once. A record carried over (the same object) is compared
      // with itself: no violation (same rev, same fields), and its entry, live, stays right.
      // A removed record's entry gets the previous view as its last. An added record's key
      // then has no live entry (its previous record was removed, or the key was not shown),
      // so the comparison below is the one the full walk makes, in view order.
      for (const record of change.removed) settle(last.get(keyOf(record)), record, before.view);
      for (const record of change.added) visit(record, view);
    }
    before = change;
  }
  return violations;
}

/** The entry of a record of view `view`, which the next view may no longer show, gets `view` as its last. */
function settle(entry: Last | undefined, record: LocalRecord, view: DeviceView): void {
  if (entry?.live && entry.record === record) {
    entry.view = view;
    entry.live = false;
  }
}

export const checkNoRegression: Checker = (history) => [...history.byDevice.values()].flatMap(checkDevice);
