/**
 * @module check/invariants/durability-acknowledged
 * Durability when no before-kill view can be trusted (a crash-point kill): every write the
 * device acknowledged before the kill is visible after the restart, unless the server had
 * since replaced it (a pull may legitimately bring a newer value); and a write the server had
 * not applied before the kill is still pending (or in conflict) after the restart.
 */
import type { LocalRecord } from '../../client/contract.ts';
import type { FieldValue } from '../../server/protocol.ts';
import { adoptedUnseenState } from '../adopted-state.ts';
import type { DeviceHistory, DeviceKill, DeviceView, History, RecordHistory, UserDelete } from '../history.ts';
import { writeKey } from '../history-index.ts';
import { leftSubscription } from '../subscriptions.ts';
import { holds, policyOf, type RecordKey, recordKey, sameFields, sameValue, show } from '../values.ts';
import { type Violation, violation } from '../violation.ts';

interface Expected<Value> {
  value: Value;
  seq: number;
}

/** What the device's own acknowledged writes say one record must look like. */
interface RecordExpectation {
  key: RecordKey;
  collection: string;
  id: string;
  /** The last write is a resolve: whether it sends an op is up to the client. */
  lastIsResolve: boolean;
  deleted: UserDelete | undefined;
  scalars: Map<string, Expected<FieldValue>>;
  /** Set elements added and not removed since, keyed `field\0value`. */
  elements: Map<string, Expected<string> & { field: string }>;
  lastSeq: number;
}

export interface AcknowledgedInput {
  history: History;
  device: DeviceHistory;
  kill: DeviceKill;
  after: DeviceView;
  /** Seqs of writes already reported lost (each is reported once, at the first kill that lost it). */
  reported: Set<number>;
}

function expectations(device: DeviceHistory, kill: DeviceKill): Map<RecordKey, RecordExpectation> {
  const result = new Map<RecordKey, RecordExpectation>();
  for (const write of device.writes) {
    if (write.seq > kill.seq) break;
    const key = writeKey(write);
    let entry = result.get(key);
    if (entry === undefined) {
      const [collection, id] =
        write.type === 'user.resolve'
          ? [write.conflict.collection, write.conflict.recordId]
          : [write.collection, write.id];
      entry = {
        key,
        collection,
        id,
        lastIsResolve: false,
        deleted: undefined,
        scalars: new Map(),
        elements: new Map(),
        lastSeq: write.seq,
      };
      result.set(key, entry);
    }
    entry.lastSeq = write.seq;
    entry.lastIsResolve = write.type === 'user.resolve';
    const seq = write.seq;
    if (write.type === 'user.create') {
      for (const [field, value] of Object.entries(write.fields)) {
        if (!Array.isArray(value)) entry.scalars.set(field, { value, seq });
        else
          for (const element of value) entry.elements.set(`${field}\u0000${element}`, { field, value: element, seq });
      }
    } else if (write.type === 'user.update') {
      // Editing the record again (its app showed it again) takes back an earlier delete.
      entry.deleted = undefined;
      for (const op of write.patch) {
        if (op.op === 'set') entry.scalars.set(op.field, { value: op.value, seq });
        if (op.op === 'inc') entry.scalars.delete(op.field);
        if (op.op === 'add')
          for (const value of op.values)
            entry.elements.set(`${op.field}\u0000${value}`, { field: op.field, value, seq });
        if (op.op === 'remove') for (const value of op.values) entry.elements.delete(`${op.field}\u0000${value}`);
      }
    } else if (write.type === 'user.delete') {
      entry.deleted = write;
      entry.scalars.clear();
      entry.elements.clear();
    } else {
      // A resolution's outcome depends on the other side; its fields are not predicted.
      entry.deleted = undefined;
      const field = write.conflict.field;
      if (field === undefined) entry.scalars.clear();
      else entry.scalars.delete(field);
      for (const [name, element] of entry.elements)
        if (field === undefined || element.field === field) entry.elements.delete(name);
    }
  }
  return result;
}

/**
 * True when the server replaced a field after `seq` with exactly what the restarted view
 * shows (a scalar, or a whole set): the device adopted a newer server state, as a pull may.
 */
function serverReplacedScalar(
  record: RecordHistory | undefined,
  field: string,
  seq: number,
  shown: FieldValue | undefined,
  until: number,
): boolean {
  return (record?.applies ?? []).some(
    (apply) => apply.seq > seq && apply.seq < until && sameValue(apply.fields[field], shown),
  );
}

/** True when the element was on the server after `seq` and then removed there. */
function serverRemovedElement(
  record: RecordHistory | undefined,
  field: string,
  value: string,
  seq: number,
  until: number,
): boolean {
  let carried = false;
  for (const apply of record?.applies ?? []) {
    if (apply.seq <= seq || apply.seq >= until) continue;
    if (!apply.deleted && holds(apply.fields[field], value)) carried = true;
    else if (carried) return true;
  }
  return false;
}

function deletedOnServer(record: RecordHistory | undefined, from: number, until: number): boolean {
  return (record?.applies ?? []).some((apply) => apply.deleted && apply.seq > from && apply.seq < until);
}

function revivedOnServer(record: RecordHistory | undefined, from: number, until: number): boolean {
  return (record?.applies ?? []).some((apply) => !apply.deleted && apply.seq > from && apply.seq < until);
}

/**
 * True when the server had taken the device's last write on the record before the kill: the
 * device's own op on it was applied after the write, or (a delete) the server already held
 * the record deleted, whoever deleted it.
 */
function confirmed(
  input: AcknowledgedInput,
  expectation: RecordExpectation,
  record: RecordHistory | undefined,
): boolean {
  const { device, kill } = input;
  const own = device.applies.some(
    (apply) =>
      apply.seq > expectation.lastSeq &&
      apply.seq < kill.seq &&
      recordKey(apply.collection, apply.id) === expectation.key,
  );
  if (own || expectation.deleted === undefined) return own;
  return record?.applies.findLast((apply) => apply.seq < kill.seq)?.deleted === true;
}

/** A loss one view shows; `key` names what was lost, so two views' losses can be matched. */
interface Loss {
  key: string;
  message: string;
  seq: number;
  expected: unknown;
  actual: unknown;
}

/** What `view` shows lost of the device's acknowledged writes on one record (the server's own changes up to the view aside). */
function lossesIn(input: AcknowledgedInput, expectation: RecordExpectation, view: DeviceView): Loss[] {
  const { device, kill } = input;
  const shown = view.records.find((record) => recordKey(record.collection, record.id) === expectation.key);
  const record = input.history.byRecord.get(expectation.key);
  const inConflict = view.conflicts.some(
    (conflict) => recordKey(conflict.collection, conflict.recordId) === expectation.key,
  );
  const lost: Loss[] = [];
  const prefix = `${device.device} killed at '${kill.point}' (seq ${kill.seq}):`;
  if (expectation.deleted !== undefined) {
    const seq = expectation.deleted.seq;
    if (shown !== undefined && !inConflict && !revivedOnServer(record, seq, view.seq)) {
      lost.push({
        key: 'delete',
        message: `${prefix} its delete of ${expectation.key} (seq ${seq}) is undone after the restart`,
        seq,
        expected: null,
        actual: shown,
      });
    }
  } else if (shown === undefined) {
    // A resolution may delete the record (keep the local delete, or the remote one).
    // A record that left the device's subscription may leave the device (partial sync).
    const outside = leftSubscription(input.history, device.device, expectation.key, expectation.lastSeq, view.seq);
    if (!expectation.lastIsResolve && !inConflict && !deletedOnServer(record, 0, view.seq) && !outside) {
      lost.push({
        key: 'record',
        message: `${prefix} ${expectation.key}, written by it (seq ${expectation.lastSeq}), is gone after the restart`,
        seq: expectation.lastSeq,
        expected: 'present',
        actual: null,
      });
    }
  } else if (!inConflict) {
    for (const [field, expected] of expectation.scalars) {
      const value = shown.fields[field];
      if (sameValue(value, expected.value) || serverReplacedScalar(record, field, expected.seq, value, view.seq))
        continue;
      lost.push({
        key: `scalar\u0000${field}`,
        message: `${prefix} ${expectation.key}.${field} = ${show(expected.value)} (seq ${expected.seq}) shows ${show(value ?? null)} after the restart`,
        seq: expected.seq,
        expected: expected.value,
        actual: value ?? null,
      });
    }
    for (const [name, expected] of expectation.elements) {
      const value = shown.fields[expected.field];
      if (
        holds(value, expected.value) ||
        serverRemovedElement(record, expected.field, expected.value, expected.seq, view.seq) ||
        serverReplacedScalar(record, expected.field, expected.seq, value, view.seq)
      )
        continue;
      lost.push({
        key: `element\u0000${name}`,
        message: `${prefix} ${expectation.key}.${expected.field} lost ${show(expected.value)} (added at seq ${expected.seq}) across the restart`,
        seq: expected.seq,
        expected: expected.value,
        actual: value ?? null,
      });
    }
  }
  const neverOnServer = expectation.deleted !== undefined && (record?.applies.length ?? 0) === 0;
  // A client without per-record status (capabilities.recordStatus: false) is judged by its pending count alone.
  const statusShown = input.history.final?.capabilities?.recordStatus !== false;
  const settled = view.pending > 0 || inConflict || (statusShown && shown !== undefined && shown.status !== 'synced');
  if (!expectation.lastIsResolve && !neverOnServer && !settled && !confirmed(input, expectation, record)) {
    const message = `${prefix} its write on ${expectation.key} (seq ${expectation.lastSeq}) was not applied by the server before the kill, yet after the restart nothing is pending and the record shows as synced`;
    lost.push({ key: 'pending', message, seq: expectation.lastSeq, expected: 'pending > 0', actual: view.pending });
  }
  return lost;
}

/**
 * True when the client had dropped the record's writes under its declared `server-wins`
 * policy before the kill: every field it wrote is `server-wins`, the server refused the
 * device's op on the record with 409 after its last write, that answer reached the device
 * before the kill, and the restarted device shows the record exactly as the server held it
 * when it refused (what the 409 carried). The drop is the policy's, judged by
 * no-silent-loss; the kill did not lose the writes.
 */
function droppedAfterConflict(
  input: AcknowledgedInput,
  expectation: RecordExpectation,
  record: RecordHistory | undefined,
  shown: LocalRecord | undefined,
): boolean {
  const { device, kill } = input;
  const policy = input.history.final?.policy;
  if (policy === undefined || record === undefined || expectation.deleted !== undefined) return false;
  const fields = [...expectation.scalars.keys(), ...[...expectation.elements.values()].map((element) => element.field)];
  if (!fields.every((field) => policyOf(policy, field) === 'server-wins')) return false;
  return device.rejects.some((reject) => {
    if (reject.status !== 409 || reject.seq <= expectation.lastSeq || reject.seq >= kill.seq) return false;
    if (reject.collection === undefined || recordKey(reject.collection, reject.id ?? '') !== expectation.key)
      return false;
    if (
      !device.receives.some((receive) => receive.status === 409 && receive.seq > reject.seq && receive.seq < kill.seq)
    )
      return false;
    const held = record.applies.findLast((apply) => apply.seq < reject.seq);
    if (held === undefined) return false;
    if (shown === undefined) return held.deleted;
    return !held.deleted && shown.rev === held.revAfter && sameFields(held.fields, shown.fields);
  });
}

/**
 * The losses the kill is to blame for. None when the restarted device shows a server state
 * its last writer had not seen (it adopted it, dropping its own writes: a merge decision
 * that no-silent-loss judges), unless the device's last view before the kill still showed
 * the writes and nothing reached the device from then to the kill. Else those the
 * after-restart view shows, less those the last view before the kill already showed (a
 * write the client dropped earlier, e.g. after a 409). A write no longer pending before
 * the kill counts as dropped then only if that view also showed one of its values gone: an
 * outbox emptied while the request was in flight is lost by the kill.
 */
function judgeRecord(input: AcknowledgedInput, expectation: RecordExpectation): Violation[] {
  const { device, kill, after } = input;
  const prior = device.views.findLast((view) => view.seq < kill.seq);
  const earlier = prior === undefined ? [] : lossesIn(input, expectation, prior).filter((loss) => loss.seq < prior.seq);
  const heldUntilKill =
    prior !== undefined &&
    prior.seq > expectation.lastSeq &&
    !earlier.some((loss) => loss.key !== 'pending') &&
    !device.receives.some((receive) => receive.seq > prior.seq && receive.seq < kill.seq);
  const last = device.writes.find((write) => write.seq === expectation.lastSeq);
  const shown = after.records.find((record) => recordKey(record.collection, record.id) === expectation.key);
  const record = input.history.byRecord.get(expectation.key);
  if (!heldUntilKill && last !== undefined && adoptedUnseenState(record, last, shown, after.seq)) return [];
  if (!heldUntilKill && droppedAfterConflict(input, expectation, record, shown)) return [];
  const keys = new Set(earlier.map((loss) => loss.key));
  const dropped = earlier.some((loss) => loss.key !== 'pending');
  const lost = lossesIn(input, expectation, after).filter(
    (loss) => !keys.has(loss.key) || (loss.key === 'pending' && !dropped),
  );
  return lost
    .filter((entry) => !input.reported.has(entry.seq))
    .map((entry) => {
      input.reported.add(entry.seq);
      return violation('durability', entry.message, [entry.seq, kill.seq, after.seq], {
        device: device.device,
        collection: expectation.collection,
        recordId: expectation.id,
        expected: entry.expected,
        actual: entry.actual,
      });
    });
}

/** Violations of the acknowledged writes of `device` before `kill`, judged on the after-restart view. */
export function acknowledgedWritesLost(input: AcknowledgedInput): Violation[] {
  const violations: Violation[] = [];
  for (const expectation of expectations(input.device, input.kill).values()) {
    violations.push(...judgeRecord(input, expectation));
  }
  return violations;
}
