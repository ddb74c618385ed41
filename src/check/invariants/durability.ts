/**
 * @module check/invariants/durability
 * A device's view right after a kill and restart equals its view just before the kill:
 * records, fields, revs, pending count and conflicts. A kill with no usable before-kill view
 * (a crash-point kill, or client activity between the view and the kill) is judged by its
 * acknowledged writes instead (see durability-acknowledged.ts). See docs/invariants.md.
 */
import type { LocalRecord } from '../../client/contract.ts';
import type { DeviceHistory, DeviceKill, DeviceView, History } from '../history.ts';
import { keyOf } from '../record-keys.ts';
import { differingFields, type RecordKey, show } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';
import { acknowledgedWritesLost } from './durability-acknowledged.ts';

function byKey(records: readonly LocalRecord[]): Map<RecordKey, LocalRecord> {
  return new Map(records.map((record) => [keyOf(record), record]));
}

function conflictKeys(view: DeviceView): string[] {
  return view.conflicts
    .map((conflict) => `${conflict.collection}/${conflict.recordId}#${conflict.field ?? '*'}`)
    .sort();
}

/** The first after-restart view of the device after the kill and before its next kill. */
export function afterRestartView(device: DeviceHistory, kill: DeviceKill): DeviceView | undefined {
  const nextKill = device.kills.find((other) => other.seq > kill.seq);
  return device.views.find(
    (view) =>
      view.seq > kill.seq && view.reason === 'after-restart' && (nextKill === undefined || view.seq < nextKill.seq),
  );
}

/** The before-kill view of this kill, if nothing of the device happened between it and the kill. */
function beforeKillView(device: DeviceHistory, kill: DeviceKill): DeviceView | undefined {
  const view = device.views.findLast((candidate) => candidate.seq < kill.seq);
  if (view === undefined || view.reason !== 'before-kill') return undefined;
  const between = (event: { seq: number }) => event.seq > view.seq && event.seq < kill.seq;
  const progressed =
    device.writes.some(between) ||
    device.interrupted.some(between) ||
    device.receives.some(between) ||
    device.kills.some(between) ||
    device.restarts.some(between);
  return progressed ? undefined : view;
}

function compareViews(before: DeviceView, after: DeviceView, kill: DeviceKill): Violation[] {
  const device = before.device;
  const witnesses = [before.seq, kill.seq, after.seq];
  const prefix = `${device} killed at '${kill.point}' (seq ${kill.seq}):`;
  const violations: Violation[] = [];
  const add = (message: string, extra: Omit<Violation, 'invariant' | 'message' | 'events'>) =>
    violations.push(violation('durability', `${prefix} ${message}`, witnesses, { device, ...extra }));
  const beforeRecords = byKey(before.records);
  const afterRecords = byKey(after.records);
  for (const [key, record] of beforeRecords) {
    const where = { collection: record.collection, recordId: record.id };
    const restarted = afterRecords.get(key);
    if (restarted === undefined) {
      add(`${key} was shown before the kill and is gone after the restart`, {
        ...where,
        expected: record,
        actual: null,
      });
      continue;
    }
    const fields = differingFields(record.fields, restarted.fields);
    if (fields.length > 0) {
      const expected = Object.fromEntries(fields.map((field) => [field, record.fields[field] ?? null]));
      const actual = Object.fromEntries(fields.map((field) => [field, restarted.fields[field] ?? null]));
      add(`${key} changed across the restart in ${fields.join(', ')}: ${show(expected)} became ${show(actual)}`, {
        ...where,
        expected,
        actual,
      });
    }
    if (record.rev !== restarted.rev) {
      add(`${key} was at rev ${record.rev} before the kill and at rev ${restarted.rev} after the restart`, {
        ...where,
        expected: record.rev,
        actual: restarted.rev,
      });
    }
  }
  for (const [key, record] of afterRecords) {
    if (beforeRecords.has(key)) continue;
    add(`${key} appeared across the restart`, {
      collection: record.collection,
      recordId: record.id,
      expected: null,
      actual: record,
    });
  }
  if (before.pending !== after.pending) {
    add(`pending went from ${before.pending} to ${after.pending} across the restart`, {
      expected: before.pending,
      actual: after.pending,
    });
  }
  const [conflictsBefore, conflictsAfter] = [conflictKeys(before), conflictKeys(after)];
  if (conflictsBefore.join('\n') !== conflictsAfter.join('\n')) {
    add(`the conflicts changed across the restart`, { expected: conflictsBefore, actual: conflictsAfter });
  }
  return violations;
}

export const checkDurability: Checker = (history: History) => {
  const violations: Violation[] = [];
  const reported = new Set<number>();
  for (const device of history.byDevice.values()) {
    for (const kill of device.kills) {
      const after = afterRestartView(device, kill);
      if (after === undefined) continue;
      const before = beforeKillView(device, kill);
      if (before !== undefined) violations.push(...compareViews(before, after, kill));
      else violations.push(...acknowledgedWritesLost({ history, device, kill, after, reported }));
    }
  }
  return violations;
};
