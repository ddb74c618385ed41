/**
 * @module check/invariants/no-resurrection
 * A record deleted by a writer that had seen its latest state stays deleted (on the server
 * and on every device) unless someone restored it afterwards: a user resolving a conflict on
 * it or editing it from a view based on the deletion, or a server-side automation write.
 * See docs/invariants.md.
 */
import type { History, RecordHistory, ServerApply, SimFinal, UserDelete } from '../history.ts';
import { conflictsOn } from '../server-facts.ts';
import { recordKey, SERVER_DEVICE } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** A deletion made with full knowledge: `decided` is when it was decided, `applied` when the server did it. */
interface InformedDeletion {
  record: RecordHistory;
  by: string;
  decided: number;
  applied: ServerApply | undefined;
  witness: number[];
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
  return { record, by: write.device, decided: write.seq, applied, witness };
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

/**
 * Restored knowingly after the deletion: a user resolved a conflict on the record; or the
 * deleter's own device edited it again (its app showed the record again, e.g. after the
 * delete bounced as a conflict); or a user wrote to it from a view based on the deletion's
 * rev (editing a record shown as deleted-remotely is how some clients let the user keep
 * it); or automation revived it.
 */
function restored(deletion: InformedDeletion): boolean {
  const { record, decided, applied } = deletion;
  const knowing = record.writes.some((write) => {
    if (write.seq <= decided) return false;
    if (write.type === 'user.resolve' || (write.type === 'user.update' && write.device === deletion.by)) return true;
    const seen = write.type === 'user.update' ? write.seen : null;
    return applied !== undefined && seen?.rev != null && seen.rev >= applied.revAfter;
  });
  if (knowing) return true;
  return record.applies.some((apply) => apply.seq > decided && apply.device === SERVER_DEVICE && !apply.deleted);
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
  if (Object.values(final.devices).some((state) => conflictsOn(state, record.key).length > 0)) return undefined;
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
  for (const [device, state] of Object.entries(final.devices)) {
    const shown = state.records.some((candidate) => recordKey(candidate.collection, candidate.id) === record.key);
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

export const checkNoResurrection: Checker = (history) => {
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const deletion of informedDeletions(history)) {
    if (reported.has(deletion.record.key) || restored(deletion)) continue;
    const found = [serverResurrection(deletion, history.final)].filter((found) => found !== undefined);
    if (history.final !== undefined) found.push(...deviceResurrections(deletion, history.final));
    if (found.length === 0) continue;
    reported.add(deletion.record.key);
    violations.push(...found);
  }
  return violations;
};
