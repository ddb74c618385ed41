/**
 * @module check/invariants/no-resurrection
 * A record deleted by a writer that had seen its latest state stays deleted, on the server
 * and on every device, unless someone knowingly restored it afterwards (see restores.ts):
 * no later live apply, not live at the end, and no device that learned of the deletion
 * showing it again. See docs/invariants.md.
 */
import type { DeviceView, History, RecordHistory, SimFinal, UserDelete } from '../history.ts';
import { keyOf } from '../record-keys.ts';
import { type Deletion, knowingRestore } from '../restores.ts';
import { conflictsOn, shownKeys } from '../server-facts.ts';
import { recordKey, SERVER_DEVICE } from '../values.ts';
import { viewChanges, viewShows } from '../view-changes.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** A deletion made with full knowledge, and the events that witness it. */
interface InformedDeletion extends Deletion {
  witness: number[];
  /** The rev the deleter's view was based on (a user delete), or undefined. */
  seenRev?: number | null;
}

/**
 * A user delete is informed when the deleter's view was based on the record's latest server
 * rev (or the record never reached the server yet), and no other device's write landed on
 * the server between the delete and the server applying it.
 */
function informedUserDelete(record: RecordHistory, write: UserDelete): InformedDeletion | undefined {
  if (write.seen === null) return undefined;
  const latest = record.applies.findLast((apply) => apply.seq < write.seq);
  if (latest?.deleted) return undefined;
  if (latest !== undefined && (write.seen.rev === null || write.seen.rev < latest.revAfter)) return undefined;
  const applied = record.applies.find(
    (apply) => apply.seq > write.seq && apply.deleted && apply.device === write.device,
  );
  const until = applied?.seq ?? Number.POSITIVE_INFINITY;
  const concurrent = record.applies.some(
    (apply) => apply.seq > write.seq && apply.seq < until && !apply.deleted && apply.device !== write.device,
  );
  if (concurrent) return undefined;
  const witness = [write.seq, ...(applied ? [applied.seq] : [])];
  return { record, by: write.device, decided: write.seq, applied, witness, seenRev: write.seen.rev };
}

function informedDeletions(history: History): InformedDeletion[] {
  const deletions: InformedDeletion[] = [];
  for (const record of history.byRecord.values()) {
    for (const write of record.writes) {
      if (write.type !== 'user.delete') continue;
      const deletion = informedUserDelete(record, write);
      if (deletion !== undefined) deletions.push(deletion);
    }
    for (const apply of record.applies) {
      if (apply.device !== SERVER_DEVICE || !apply.deleted) continue;
      deletions.push({ record, by: SERVER_DEVICE, decided: apply.seq, applied: apply, witness: [apply.seq] });
    }
  }
  return deletions;
}

function describe(deletion: InformedDeletion): string {
  const how = deletion.applied
    ? ` (applied at rev ${deletion.applied.revAfter}, seq ${deletion.applied.seq})`
    : ' (never applied by the server)';
  return `${deletion.record.key} was deleted by ${deletion.by} at seq ${deletion.decided} with its latest state seen${how}`;
}

function serverResurrection(deletion: InformedDeletion, final: SimFinal | undefined): Violation | undefined {
  const { record } = deletion;
  const from = deletion.applied?.seq ?? deletion.decided;
  const where = { collection: record.collection, recordId: record.id };
  const revival = record.applies.find((apply) => apply.seq > from && !apply.deleted);
  if (revival !== undefined) {
    const message = `${describe(deletion)}, then revived on the server at rev ${revival.revAfter} by ${revival.device} (op ${revival.opId}) with no restore by a user`;
    return violation('no-resurrection', message, [...deletion.witness, revival.seq], {
      ...where,
      device: revival.device,
      expected: 'deleted',
      actual: 'live',
    });
  }
  if (final === undefined || record.final === undefined || record.final.deleted) return undefined;
  if ([...final.devices.values()].some((state) => conflictsOn(state, record.key).length > 0)) return undefined;
  const message = `${describe(deletion)}, yet it is live in the final server state and no device surfaces a conflict on it`;
  return violation('no-resurrection', message, [...deletion.witness, final.seq], {
    ...where,
    device: deletion.by,
    expected: 'deleted',
    actual: 'live',
  });
}

/** Devices showing the record at the end while the server holds it deleted (or never had it). */
function deviceResurrections(deletion: InformedDeletion, final: SimFinal): Violation[] {
  const { record } = deletion;
  if (record.final !== undefined && !record.final.deleted) return [];
  const violations: Violation[] = [];
  for (const [device, state] of final.devices) {
    const shown = shownKeys(state.records).has(record.key);
    if (!shown || conflictsOn(state, record.key).length > 0) continue;
    const message = `${describe(deletion)}, yet ${device} still shows it at the end with no conflict on it`;
    violations.push(
      violation('no-resurrection', message, [...deletion.witness, final.seq], {
        device,
        collection: record.collection,
        recordId: record.id,
        expected: 'deleted',
        actual: 'shown',
      }),
    );
  }
  return violations;
}

/** True when a device view that lists the record (`shown`) does not list it as a conflict. */
function showsPlainly(view: DeviceView, key: string, shown: boolean): boolean {
  return shown && !view.conflicts.some((conflict) => recordKey(conflict.collection, conflict.recordId) === key);
}

/**
 * True when the server held the record live at the view, in a state the device may rightly
 * show: any live state for a device other than the deleter (it learns of a deletion only
 * from the server); for the deleter, a state newer than the one it deleted, or a record it
 * shows as `error` or `needs-review` (its delete was refused or is contested). The deleter
 * showing the very state it deleted again, before the server holds the delete, is a local
 * resurrection (its pending delete was lost).
 */
function serverStillLive(deletion: InformedDeletion, device: string, view: DeviceView): boolean {
  const latest = deletion.record.applies.findLast((apply) => apply.seq < view.seq);
  if (latest === undefined || latest.deleted) return false;
  if (device !== deletion.by || deletion.seenRev === undefined) return true;
  if (deletion.seenRev === null || latest.revAfter > deletion.seenRev) return true;
  const shown = view.records.find((record) => keyOf(record) === deletion.record.key);
  return shown?.status === 'error' || shown?.status === 'needs-review';
}

/**
 * A device that showed the record, then stopped showing it after the deletion (it learned of
 * it), then shows it again while the server holds it deleted: a local resurrection, e.g. an
 * older copy pulled over a record deleted without a tombstone. The deleter itself is judged
 * before the server holds its delete too (see serverStillLive).
 */
function deviceRevivals(history: History, deletion: InformedDeletion, skip: Set<string>): Violation[] {
  const { record } = deletion;
  const learned = deletion.applied?.seq ?? deletion.decided;
  const violations: Violation[] = [];
  for (const device of history.byDevice.values()) {
    if (skip.has(device.device)) continue;
    let state: 'unseen' | 'shown' | 'gone' = 'unseen';
    const changes = viewChanges(device);
    for (const [index, view] of device.views.entries()) {
      const shown = viewShows(changes, index, record.key);
      const after = view.seq > (device.device === deletion.by ? deletion.decided : learned);
      if (shown && state !== 'gone') state = 'shown';
      else if (!shown && state === 'shown' && after) state = 'gone';
      else if (state === 'gone' && showsPlainly(view, record.key, shown)) {
        if (serverStillLive(deletion, device.device, view)) continue;
        const message = `${describe(deletion)}; ${device.device} stopped showing it, then showed it again (${view.reason} view, seq ${view.seq}) while the server held it deleted`;
        violations.push(
          violation('no-resurrection', message, [...deletion.witness, view.seq], {
            device: device.device,
            collection: record.collection,
            recordId: record.id,
            expected: 'deleted',
            actual: 'shown',
          }),
        );
        break;
      }
    }
  }
  return violations;
}

export const checkNoResurrection: Checker = (history) => {
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const deletion of informedDeletions(history)) {
    if (reported.has(deletion.record.key) || knowingRestore(deletion) !== undefined) continue;
    const found = [serverResurrection(deletion, history.final)].filter((found) => found !== undefined);
    if (history.final !== undefined) found.push(...deviceResurrections(deletion, history.final));
    const reportedDevices = new Set(found.map((violation) => violation.device ?? ''));
    found.push(...deviceRevivals(history, deletion, reportedDevices));
    if (found.length === 0) continue;
    reported.add(deletion.record.key);
    violations.push(...found);
  }
  return violations;
};
