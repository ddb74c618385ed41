/**
 * @module check/invariants/status-honesty
 * What a device says about sync is true at the moment it says it:
 * - a record shown `synced` at rev r shows exactly what the server held at rev r (live, the
 *   same fields), the server had made rev r before the view, and a response reached the
 *   device after that (it cannot know a state the server made after its last answer);
 * - a record with a write of the device the server has not taken (check/unsettled-writes)
 *   is not shown `synced`;
 * - a pending count of 0 means no such write is open, and no record is shown `pending`.
 * A client that declares no per-record status (`capabilities.recordStatus: false`) is judged
 * on its pending count only. One violation per device and record (the first view showing it).
 * See docs/invariants.md.
 */
import type { LocalRecord } from '../../client/contract.ts';
import type { DeviceHistory, DeviceView, History, RecordHistory, ServerApply } from '../history.ts';
import { keyOf } from '../record-keys.ts';
import { applyAtRev } from '../server-facts.ts';
import { OpenWrites } from '../unsettled-writes.ts';
import { differingFields, type RecordKey, show } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** True when the device received any response with a seq strictly between `from` and `until`. */
function heardBetween(device: DeviceHistory, from: number, until: number): boolean {
  const receives = device.receives;
  let [low, high] = [0, receives.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((receives[middle]?.seq ?? 0) <= from) low = middle + 1;
    else high = middle;
  }
  return low < receives.length && (receives[low]?.seq ?? Number.POSITIVE_INFINITY) < until;
}

/**
 * True when some live server state of the record made before the view holds exactly the shown
 * fields and the device heard from the server since: an engine that marks a record synced
 * when its push is acknowledged but keeps its old rev (WatermelonDB) shows a state the server
 * has, with stale bookkeeping. Written values are unique, so equal fields name that state.
 */
function someAcknowledgedState(
  device: DeviceHistory,
  record: RecordHistory | undefined,
  shown: LocalRecord,
  view: DeviceView,
): boolean {
  return (record?.applies ?? []).some(
    (apply) =>
      apply.seq < view.seq &&
      !apply.deleted &&
      differingFields(apply.fields, shown.fields).length === 0 &&
      (apply.device !== device.device || device.sends.length === 0 || heardBetween(device, apply.seq, view.seq)),
  );
}

/**
 * Per shown record object, the server apply at its rev, found to hold the same fields. The
 * views of many devices show the very same record object (the trace keeps a frozen record
 * once, and the reference client shares one between devices): its record history and apply
 * are looked up and its fields compared once, not once per device (at 1,000 devices 628,000
 * first showings of 830 objects). Objects, not values: within one check nothing changes.
 */
type EqualFields = Map<LocalRecord, ServerApply>;

/** Why a `synced` record is not a state the server had acknowledged to the device, or undefined. */
function syncedProblem(
  device: DeviceHistory,
  records: History['byRecord'],
  key: RecordKey,
  shown: LocalRecord,
  view: DeviceView,
  equal: EqualFields,
): { message: string; witness: number[]; expected?: unknown } | undefined {
  const rev = shown.rev;
  if (rev === null) return { message: 'with no server rev', witness: [] };
  const known = equal.get(shown);
  const history = known === undefined ? records.get(key) : undefined;
  const apply = known ?? (history === undefined ? undefined : applyAtRev(history, rev));
  if (apply === undefined || apply.seq > view.seq)
    return { message: `at rev ${rev}, which the server had not produced by then`, witness: [] };
  if (apply.deleted)
    return {
      message: `at rev ${rev}, which is the server's deletion of it`,
      witness: [apply.seq],
      expected: 'deleted',
    };
  const fields = known === apply ? [] : differingFields(apply.fields, shown.fields);
  if (fields.length === 0) equal.set(shown, apply);
  else {
    const server = show(Object.fromEntries(fields.map((field) => [field, apply.fields[field] ?? null])));
    const local = show(Object.fromEntries(fields.map((field) => [field, shown.fields[field] ?? null])));
    return {
      message: `at rev ${rev} with ${local}, while the server's rev ${rev} (seq ${apply.seq}) holds ${server}`,
      witness: [apply.seq],
      expected: apply.fields,
    };
  }
  // Only for the device's own ops: another writer's unique values cannot be shown unless
  // received; and only when the device's traffic is in the trace (other transports have none).
  // A view synthesized from sim.final (no device.view of its own) is not judged on it.
  const judged = apply.device === device.device && device.sends.length > 0 && view.synthesized !== true;
  if (judged && !heardBetween(device, apply.seq, view.seq))
    return {
      message: `at rev ${rev}, made by the server at seq ${apply.seq}, with no response reaching the device since`,
      witness: [apply.seq],
    };
  return undefined;
}

/** A violation's location (made only for a violation: most records of most views have none). */
function where(device: DeviceHistory, shown: LocalRecord) {
  return { device: device.device, collection: shown.collection, recordId: shown.id };
}

function checkView(
  history: History,
  device: DeviceHistory,
  view: DeviceView,
  openWrites: OpenWrites,
  recordStatus: boolean,
  reported: Set<RecordKey>,
  honest: Set<LocalRecord>,
  equal: EqualFields,
): Violation[] {
  const violations: Violation[] = [];
  const when = `${device.device}'s ${view.reason} view (seq ${view.seq})`;
  const open = openWrites.at(view);
  if (view.pending === 0 && open.length > 0 && !reported.has('')) {
    reported.add('');
    const first = open[0]!;
    const message = `${when} reports 0 pending while its ${first.write.type.slice(5)} of ${first.key} (seq ${first.write.seq}) has not reached the server${open.length > 1 ? ` (nor ${open.length - 1} other write(s))` : ''}`;
    violations.push(
      violation('status-honesty', message, [first.write.seq, view.seq], {
        device: device.device,
        expected: `pending >= 1`,
        actual: 0,
      }),
    );
  }
  if (!recordStatus) return violations;
  // Most views have no open write, and most devices nothing reported: their lookups are skipped.
  const openKeys = open.length === 0 ? undefined : new Map(open.map((entry) => [entry.key, entry]));
  for (const shown of view.records) {
    // A record an earlier view showed honestly (the same object: see below) is synced, so
    // with no open write it meets none of the conditions below but the last: skipped first,
    // without its key.
    if (open.length === 0 && honest.has(shown)) continue;
    const key = keyOf(shown);
    if (reported.size > 0 && reported.has(key)) continue;
    if (shown.status === 'pending' && view.pending === 0) {
      reported.add(key);
      const message = `${when} shows ${key} pending while reporting 0 pending`;
      violations.push(
        violation('status-honesty', message, [view.seq], {
          ...where(device, shown),
          expected: 'pending >= 1',
          actual: 0,
        }),
      );
      continue;
    }
    if (shown.status !== 'synced') continue;
    const openWrite = openKeys?.get(key);
    if (openWrite !== undefined) {
      reported.add(key);
      const message = `${when} shows ${key} synced while its ${openWrite.write.type.slice(5)} (seq ${openWrite.write.seq}) has not reached the server`;
      violations.push(
        violation('status-honesty', message, [openWrite.write.seq, view.seq], {
          ...where(device, shown),
          expected: 'pending',
          actual: 'synced',
        }),
      );
      continue;
    }
    // The very record object an earlier view of this device showed honestly (the trace decoder
    // shares unchanged records between a device's views) is honest now: every condition
    // below holds for a later view once it held for an earlier one.
    if (honest.has(shown)) continue;
    const problem = syncedProblem(device, history.byRecord, key, shown, view, equal);
    if (problem === undefined || someAcknowledgedState(device, history.byRecord.get(key), shown, view)) {
      if (view.synthesized !== true) honest.add(shown);
      continue;
    }
    reported.add(key);
    violations.push(
      violation('status-honesty', `${when} shows ${key} synced ${problem.message}`, [...problem.witness, view.seq], {
        ...where(device, shown),
        expected: problem.expected ?? 'a state the server acknowledged',
        actual: { rev: shown.rev, fields: shown.fields },
      }),
    );
  }
  return violations;
}

export const checkStatusHonesty: Checker = (history) => {
  // Capabilities are recorded in sim.final; a run cut short is not judged on record statuses.
  const recordStatus = history.final !== undefined && history.final.capabilities?.recordStatus !== false;
  const violations: Violation[] = [];
  const equal: EqualFields = new Map();
  for (const device of history.byDevice.values()) {
    const reported = new Set<RecordKey | ''>();
    const honest = new Set<LocalRecord>();
    const openWrites = new OpenWrites(device, history.byRecord);
    for (const view of device.views)
      violations.push(...checkView(history, device, view, openWrites, recordStatus, reported, honest, equal));
  }
  return violations;
};
