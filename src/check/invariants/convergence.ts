/**
 * @module check/invariants/convergence
 * After heal, every device shows exactly the server's live records with the server's fields,
 * apart from records it lists in its conflicts, and has nothing pending. Judged on sim.final.
 * A device that subscribed (partial sync) is judged against the server's live records in its
 * final subscription; a record it shows outside the subscription (by the fields it shows)
 * is not judged. See docs/invariants.md.
 */
import type { LocalRecord } from '../../client/contract.ts';
import type { ServerRecord } from '../../server/protocol.ts';
import { inSubscription, type Subscription } from '../../server/subscription.ts';
import type { FinalDeviceState, History, SimFinal } from '../history.ts';
import { storageDevice } from '../instances.ts';
import { keyOf } from '../record-keys.ts';
import { differingFields, type RecordKey, recordKey, show } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** Collections the devices deal with: those users wrote to or devices show. */
function collectionsInScope(history: History, final: SimFinal): Set<string> {
  const collections = new Set<string>();
  for (const record of history.byRecord.values()) {
    if (record.writes.length > 0 || record.interrupted.length > 0) collections.add(record.collection);
  }
  for (const state of final.devices.values()) {
    for (const record of state.records) collections.add(record.collection);
  }
  return collections;
}

function lastApplySeq(history: History, key: RecordKey): number[] {
  const apply = history.byRecord.get(key)?.applies.at(-1);
  return apply === undefined ? [] : [apply.seq];
}

/**
 * Per shown record object, the server record found to hold the same fields. The final views
 * of many devices show the very same record object (the trace keeps a frozen record once,
 * and the reference client shares one between devices): it is compared with the server's
 * once, not once per device. Objects, not values: within one check nothing changes.
 */
type EqualTo = Map<LocalRecord, ServerRecord>;

/**
 * A device's final records (the very objects, in order) and subscription that were judged
 * with no contested record and found to match the server. Another device with the same
 * records and the same subscription matches too, whatever it contests: its judgement reads
 * nothing else of the device. At 1,000 devices 983 final record lists are, object for
 * object, the previous device's (the reference client's devices share their records): a
 * walk of pointer comparisons instead of 628 key lookups each.
 */
interface Matched {
  records: readonly LocalRecord[];
  subscription: Subscription | null | undefined;
}

function sameObjects(a: readonly LocalRecord[], b: readonly LocalRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function checkDevice(
  history: History,
  final: SimFinal,
  device: string,
  state: FinalDeviceState,
  everything: Map<RecordKey, ServerRecord>,
  equal: EqualTo,
  matched: Matched[],
  share: boolean,
): Violation[] {
  const violations: Violation[] = [];
  const subscription = final.subscriptions.get(storageDevice(history, device));
  const live = subscribed(everything, subscription);
  const view = history.byDevice.get(device)?.views.findLast((candidate) => candidate.reason === 'final');
  const base = [final.seq, ...(view === undefined ? [] : [view.seq])];
  if (state.pending > 0) {
    const message = `${device} still has ${state.pending} pending op(s) after heal`;
    violations.push(violation('convergence', message, base, { device, expected: 0, actual: state.pending }));
  }
  const known = matched.find(
    (entry) => entry.subscription === subscription && sameObjects(entry.records, state.records),
  );
  if (known !== undefined) return violations;
  const contested = new Set(state.conflicts.map((conflict) => recordKey(conflict.collection, conflict.recordId)));
  const shown = new Map<RecordKey, LocalRecord>();
  for (const record of state.records) {
    const key = keyOf(record);
    if (live.has(key) || inSubscription(subscription, record.collection, record.fields)) shown.set(key, record);
  }
  // Every key live or shown, live ones first (the order of a Set of both key lists), without
  // building that Set: a device at 1,000 devices shows thousands of records.
  const before = violations.length;
  for (const key of live.keys()) judge(key);
  for (const key of shown.keys()) if (!live.has(key)) judge(key);
  if (violations.length === before && contested.size === 0 && share)
    matched.splice(0, matched.length, { records: state.records, subscription });
  return violations;

  function judge(key: RecordKey): void {
    if (contested.has(key)) return;
    const server = live.get(key);
    const local = shown.get(key);
    if (server !== undefined && local !== undefined) {
      if (equal.get(local) === server) return;
      if (differingFields(server.fields, local.fields).length === 0) {
        equal.set(local, server);
        return;
      }
    }
    const record = (server ?? local)!;
    const where = { device, collection: record.collection, recordId: record.id };
    const events = [...base, ...lastApplySeq(history, key)];
    if (local === undefined) {
      const within = subscription === undefined || subscription === null ? '' : ' in its subscription';
      const message = `${device} does not show ${key}, which is live on the server${within} at rev ${server!.rev}`;
      violations.push(violation('convergence', message, events, { ...where, expected: server!.fields, actual: null }));
    } else if (server === undefined) {
      const status = history.byRecord.get(key)?.final?.deleted ? 'deleted on' : 'absent from';
      const message = `${device} shows ${key}, which is ${status} the server`;
      violations.push(violation('convergence', message, events, { ...where, expected: null, actual: local.fields }));
    } else {
      const fields = differingFields(server.fields, local.fields);
      const expected = Object.fromEntries(fields.map((field) => [field, server.fields[field] ?? null]));
      const actual = Object.fromEntries(fields.map((field) => [field, local.fields[field] ?? null]));
      const message = `${device} shows ${key} with ${show(actual)} where the server (rev ${server.rev}) holds ${show(expected)}`;
      violations.push(violation('convergence', message, events, { ...where, expected, actual }));
    }
  }
}

/** The live records a device with this subscription must show (all of them without one). */
function subscribed(
  live: Map<RecordKey, ServerRecord>,
  subscription: Subscription | null | undefined,
): Map<RecordKey, ServerRecord> {
  if (subscription === undefined || subscription === null) return live;
  const out = new Map<RecordKey, ServerRecord>();
  for (const [key, record] of live)
    if (inSubscription(subscription, record.collection, record.fields)) out.set(key, record);
  return out;
}

export function convergenceOf(history: History, share: boolean): Violation[] {
  const final = history.final;
  if (final === undefined) {
    const last = history.events.at(-1);
    const message = 'the run recorded no sim.final, so convergence (and the end state) cannot be judged';
    return [violation('convergence', message, last === undefined ? [] : [last.seq])];
  }
  const scope = collectionsInScope(history, final);
  const live = new Map<RecordKey, ServerRecord>();
  for (const record of final.server) {
    if (!record.deleted && scope.has(record.collection)) live.set(keyOf(record), record);
  }
  const equal: EqualTo = new Map();
  const matched: Matched[] = [];
  return [...final.devices].flatMap(([device, state]) =>
    checkDevice(history, final, device, state, live, equal, matched, share),
  );
}

/** convergence; `share: false` judges every device's records anew (for the tests' comparison). */
export const checkConvergence: Checker = (history) => convergenceOf(history, true);
