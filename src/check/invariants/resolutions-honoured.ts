/**
 * @module check/invariants/resolutions-honoured
 * A conflict the user resolved is carried out. After `resolve(conflict, choice)` on device D:
 * - the same conflict (same record, field, local and remote values) must not come back on
 *   D while the server's record has not changed since: reopening it asks the user again for
 *   a decision already made;
 * - a `keep-local` or `merged` choice must reach the server by the end of the run (an apply
 *   after the resolve carrying the chosen value; a chosen deletion as a tombstone), unless
 *   a newer write superseded it, D surfaced a new, different conflict on the record, D wrote
 *   the record again, or D never drained its outbox (liveness reports that).
 * "The server's record changed" is read leniently: any apply of another writer after the
 * resolve, or a server state already different from the conflict's remote side when the
 * user resolved. See docs/invariants.md.
 */
import type { Conflict, Fields, FieldValue } from '../../client/contract.ts';
import type { DeviceHistory, DeviceView, History, RecordHistory, ServerApply, UserResolve } from '../history.ts';
import { writeKey } from '../history-index.ts';
import { type RecordKey, recordKey, sameValue, show } from '../values.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

type Side = Conflict['local'];

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameSide(a: Side, b: Side): boolean {
  if (isFields(a) || isFields(b)) {
    if (!isFields(a) || !isFields(b)) return false;
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...names].every((name) => sameValue(a[name], b[name]));
  }
  return sameValue(a as FieldValue, b as FieldValue);
}

function sameConflict(a: Conflict, b: Conflict): boolean {
  return (
    recordKey(a.collection, a.recordId) === recordKey(b.collection, b.recordId) &&
    a.field === b.field &&
    sameSide(a.local, b.local) &&
    sameSide(a.remote, b.remote)
  );
}

/** True when a server value carries the chosen one (a chosen set: each of its elements). */
function carries(server: FieldValue | undefined, chosen: FieldValue | undefined): boolean {
  if (Array.isArray(chosen)) return Array.isArray(server) && chosen.every((element) => server.includes(element));
  return sameValue(server, chosen);
}

/** True when the apply holds the conflict's side (`value`), as a field or as the whole record. */
function applyHolds(apply: ServerApply, conflict: Conflict, value: Side): boolean {
  if (conflict.field !== undefined) return !apply.deleted && carries(apply.fields[conflict.field], value as FieldValue);
  if (value === null) return apply.deleted;
  if (!isFields(value) || apply.deleted) return false;
  return Object.entries(value).every(([field, chosen]) => carries(apply.fields[field], chosen));
}

/** True when the server's record was no longer the conflict's remote side when the user resolved. */
function movedOnBefore(record: RecordHistory | undefined, event: UserResolve): boolean {
  const latest = record?.applies.findLast((apply) => apply.seq < event.seq);
  if (latest === undefined) return true;
  return !applyHolds(latest, event.conflict, event.conflict.remote);
}

function otherWriterBetween(record: RecordHistory | undefined, device: string, from: number, until: number): boolean {
  return record?.applies.some((apply) => apply.seq > from && apply.seq < until && apply.device !== device) ?? false;
}

function wroteAgain(device: DeviceHistory, key: RecordKey, from: number): boolean {
  if (device.writes.some((write) => write.seq > from && writeKey(write) === key)) return true;
  return device.interrupted.some(
    (event) =>
      event.seq > from &&
      recordKey(event.collection ?? event.conflict?.collection ?? '', event.id ?? event.conflict?.recordId ?? '') ===
        key,
  );
}

function conflictsOnRecord(view: DeviceView, key: RecordKey): Conflict[] {
  return view.conflicts.filter((conflict) => recordKey(conflict.collection, conflict.recordId) === key);
}

/** The view after the resolve that shows the same conflict again with nothing changed, if any. */
function reopened(history: History, device: DeviceHistory, event: UserResolve): DeviceView | undefined {
  const key = recordKey(event.conflict.collection, event.conflict.recordId);
  const record = history.byRecord.get(key);
  if (movedOnBefore(record, event)) return undefined;
  for (const view of device.views) {
    if (view.seq <= event.seq) continue;
    if (otherWriterBetween(record, device.device, event.seq, view.seq)) return undefined;
    if (conflictsOnRecord(view, key).some((conflict) => sameConflict(conflict, event.conflict))) return view;
  }
  return undefined;
}

/** The chosen side of a keep-local or merged resolution, or undefined for keep-remote. */
function chosenSide(event: UserResolve): { value: Side } | undefined {
  const { resolution, conflict } = event;
  if (resolution.choice === 'keep-remote') return undefined;
  if (resolution.choice === 'merged') return { value: resolution.value as Side };
  return { value: conflict.local };
}

/** True when the choice was carried out, superseded, or replaced by a new conflict; see the module header. */
function honoured(history: History, device: DeviceHistory, event: UserResolve, value: Side): boolean {
  const final = history.final;
  if (final === undefined || !final.devices.has(device.device)) return true;
  if (device.heals.some((heal) => !heal.drained)) return true;
  const key = recordKey(event.conflict.collection, event.conflict.recordId);
  const record = history.byRecord.get(key);
  const after = record?.applies.filter((apply) => apply.seq > event.seq) ?? [];
  if (after.some((apply) => applyHolds(apply, event.conflict, value))) return true;
  if (after.some((apply) => apply.device !== device.device)) return true;
  if (movedOnBefore(record, event) || wroteAgain(device, key, event.seq)) return true;
  return device.views.some(
    (view) =>
      view.seq > event.seq && conflictsOnRecord(view, key).some((conflict) => !sameConflict(conflict, event.conflict)),
  );
}

function describe(event: UserResolve): string {
  const { conflict } = event;
  const what = conflict.field === undefined ? 'whole-record' : `'${conflict.field}'`;
  return `${event.device} resolved the ${what} conflict on ${recordKey(conflict.collection, conflict.recordId)} (local ${show(conflict.local)}, remote ${show(conflict.remote)}) with ${event.resolution.choice} at seq ${event.seq}`;
}

function checkResolve(history: History, device: DeviceHistory, event: UserResolve): Violation | undefined {
  const where = { device: device.device, collection: event.conflict.collection, recordId: event.conflict.recordId };
  const again = reopened(history, device, event);
  if (again !== undefined) {
    const message = `${describe(event)}; its ${again.reason} view (seq ${again.seq}) shows the same conflict again, with the server's record unchanged by anyone else`;
    return violation('resolutions-honoured', message, [event.seq, again.seq], {
      ...where,
      expected: 'resolved',
      actual: 'reopened',
    });
  }
  const chosen = chosenSide(event);
  if (chosen === undefined || honoured(history, device, event, chosen.value)) return undefined;
  const message = `${describe(event)}; the chosen ${show(chosen.value)} never reached the server, nothing newer superseded it and no new conflict was surfaced`;
  return violation('resolutions-honoured', message, [event.seq, ...(history.final ? [history.final.seq] : [])], {
    ...where,
    expected: chosen.value,
    actual: 'dropped',
  });
}

export const checkResolutionsHonoured: Checker = (history) => {
  const violations: Violation[] = [];
  for (const device of history.byDevice.values()) {
    for (const write of device.writes) {
      if (write.type !== 'user.resolve') continue;
      const found = checkResolve(history, device, write);
      if (found !== undefined) violations.push(found);
    }
  }
  return violations;
};
