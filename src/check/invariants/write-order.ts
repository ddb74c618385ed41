/**
 * @module check/invariants/write-order
 * A device's writes reach the server once each and in the order the device issued them,
 * whichever of its app's instances issued them (sim/instances: instance `<device>#<n>` is
 * one app of device `<device>`, on its storage and outbox). Three ways to break it, each
 * judged on text values (every written string is unique in the run, so finding one says
 * which write put it there):
 * - applied twice: an op of the device makes a value it wrote a record field's value at the
 *   server a second time (it was replaced in between), so one write was applied again;
 * - out of order: the device wrote value a, then value b, to the same field of a record,
 *   and the server applied b before a (a later write of the device lost to an earlier one);
 * - met itself: a conflict the device shows sets a write of one of its app's instances
 *   against a write of another (the later one reached the server before the earlier one was
 *   settled, as when two instances push the same outbox at once).
 * See docs/invariants.md.
 */
import type { Conflict } from '../../client/contract.ts';
import type { History, RecordHistory, ServerApply } from '../history.ts';
import { writeKey } from '../history-index.ts';
import { storageDevice } from '../instances.ts';
import { type RecordKey, recordKey } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';
import { type WrittenToken, writtenTokens } from '../written-tokens.ts';

/**
 * The applies of ops `device` sent that made `field` hold `value` when it did not before, in
 * trace order. Another device that brings the value back (restoring a record it kept through
 * an edit-vs-delete conflict, say) does not count: that is its write, not this one again.
 */
function arrivals(record: RecordHistory, field: string, value: string, device: string): ServerApply[] {
  const found: ServerApply[] = [];
  let held = false;
  let deleted = false;
  for (const apply of record.applies) {
    if (apply.deleted) {
      deleted = true;
      continue;
    }
    const holds = apply.fields[field] === value;
    // A record brought back after a delete (a kept edit of an edit-vs-delete conflict) comes
    // back with the fields its restorer shows: a restore, not this write applied again.
    if (holds && !held && !deleted && apply.device === device) found.push(apply);
    held = holds;
    deleted = false;
  }
  return found;
}

interface Issued {
  token: WrittenToken;
  device: string;
  arrivals: ServerApply[];
}

/**
 * True when the device's user kept its version (keep-local or merged) of a conflict on the
 * record between two arrivals: the second one carries the user's choice, which may bring
 * back a value of the device that had been replaced (issue 21's review moments drew it).
 */
function keptBetween(history: History, issued: Issued, from: number, until: number): boolean {
  return history.writes.some(
    (write) =>
      write.type === 'user.resolve' &&
      write.resolution.choice !== 'keep-remote' &&
      write.seq > from &&
      write.seq < until &&
      writeKey(write) === issued.token.key &&
      storageDevice(history, write.device) === issued.device,
  );
}

function appliedTwice(history: History, issued: Issued): Violation | undefined {
  const [first, second] = issued.arrivals;
  if (first === undefined || second === undefined) return undefined;
  if (keptBetween(history, issued, first.seq, second.seq)) return undefined;
  const { token } = issued;
  const message = `${token.write.device}'s write of ${token.field} = '${token.value}' on ${token.key} (seq ${token.write.seq}) was applied by the server twice: at seq ${first.seq} (op ${first.opId}) and again at seq ${second.seq} (op ${second.opId}) after it had been replaced`;
  return violation('write-order', message, [token.write.seq, first.seq, second.seq], {
    device: issued.device,
    ...where(token.key),
    expected: 'applied once',
    actual: `applied ${issued.arrivals.length} times`,
  });
}

function where(key: RecordKey): { collection: string; recordId: string } {
  const slash = key.indexOf('/');
  return { collection: key.slice(0, slash), recordId: key.slice(slash + 1) };
}

/** `earlier` was issued before `later` by the same device; the server must not apply `earlier` after `later`. */
function outOfOrder(earlier: Issued, later: Issued): Violation | undefined {
  const laterFirst = later.arrivals[0];
  const earlierFirst = earlier.arrivals[0];
  if (laterFirst === undefined || earlierFirst === undefined || earlierFirst.seq < laterFirst.seq) return undefined;
  const [a, b] = [earlier.token, later.token];
  const message = `${earlier.device} wrote ${a.field} = '${a.value}' on ${a.key} (seq ${a.write.seq}) before '${b.value}' (seq ${b.write.seq}), but the server applied '${b.value}' (seq ${laterFirst.seq}) before '${a.value}' (seq ${earlierFirst.seq}): the device's later write lost to its earlier one`;
  return violation('write-order', message, [a.write.seq, b.write.seq, laterFirst.seq, earlierFirst.seq], {
    device: earlier.device,
    ...where(a.key),
    expected: `'${b.value}' applied after '${a.value}'`,
    actual: `'${a.value}' applied after '${b.value}'`,
  });
}

/** Which instance of its device's app made a write (1: the app itself). */
function instanceOf(token: WrittenToken): number {
  const instance = (token.write as { instance?: unknown }).instance;
  return typeof instance === 'number' ? instance : 1;
}

/** A conflict shown by an instance of `device` whose two sides are both the device's own writes. */
function metItself(history: History, deviceOf: (name: string) => string, byValue: Map<string, Issued>): Violation[] {
  const found: Violation[] = [];
  const reported = new Set<string>();
  for (const device of history.byDevice.values()) {
    for (const view of device.views) {
      for (const conflict of view.conflicts as Conflict[]) {
        if (conflict.field === undefined || typeof conflict.local !== 'string' || typeof conflict.remote !== 'string')
          continue;
        const [local, remote] = [byValue.get(conflict.local), byValue.get(conflict.remote)];
        if (local === undefined || remote === undefined || local.token === remote.token) continue;
        const owner = deviceOf(device.device);
        if (local.device !== owner || remote.device !== owner) continue;
        // Only writes of two instances: one instance's own writes may meet after a lost
        // idempotency record, say, which is not an ordering bug across instances.
        if (instanceOf(local.token) === instanceOf(remote.token)) continue;
        const key = `${owner}\u0000${conflict.local}\u0000${conflict.remote}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const message = `${device.device}'s ${view.reason} view (seq ${view.seq}) shows a conflict on ${recordKey(conflict.collection, conflict.recordId)}.${conflict.field} between two writes of ${owner} itself: '${conflict.remote}' (seq ${remote.token.write.seq}) and '${conflict.local}' (seq ${local.token.write.seq}); one reached the server before the other was settled`;
        found.push(
          violation('write-order', message, [local.token.write.seq, remote.token.write.seq, view.seq], {
            device: owner,
            collection: conflict.collection,
            recordId: conflict.recordId,
            expected: 'no conflict between writes of one device',
            actual: { local: conflict.local, remote: conflict.remote },
          }),
        );
      }
    }
  }
  return found;
}

export const checkWriteOrder: Checker = (history) => {
  const deviceOf = (name: string) => storageDevice(history, name);
  const byValue = new Map<string, Issued>();
  /** Per device, record and field: its text writes in the order it issued them. */
  const sequences = new Map<string, Issued[]>();
  for (const token of writtenTokens(history).tokens) {
    if (token.kind !== 'scalar' || token.write.type === 'user.resolve') continue;
    const record = history.byRecord.get(token.key);
    if (record === undefined) continue;
    const device = deviceOf(token.write.device);
    const issued = { token, device, arrivals: arrivals(record, token.field, token.value, device) };
    byValue.set(token.value, issued);
    const key = `${issued.device}\u0000${token.key}\u0000${token.field}`;
    sequences.set(key, [...(sequences.get(key) ?? []), issued]);
  }
  const violations: Violation[] = [];
  for (const issued of byValue.values()) {
    const found = appliedTwice(history, issued);
    if (found !== undefined) violations.push(found);
  }
  for (const sequence of sequences.values()) {
    sequence.sort((a, b) => a.token.write.seq - b.token.write.seq);
    // Every pair: a write coalesced away in between must not hide the two around it.
    for (const [index, earlier] of sequence.entries()) {
      const found = sequence
        .slice(index + 1)
        .map((later) => outOfOrder(earlier, later))
        .find((candidate) => candidate !== undefined);
      if (found !== undefined) violations.push(found);
    }
  }
  violations.push(...metItself(history, deviceOf, byValue));
  return violations;
};
