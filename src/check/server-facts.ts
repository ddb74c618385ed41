/**
 * @module check/server-facts
 * What the server's own history says about a record: which rev carried a written value,
 * what the record held at a given rev, who removed a value. Read from server.apply events,
 * whose `fields` are the record's full fields after the op.
 */
import type { Conflict, LocalRecord } from '../client/contract.ts';
import type { FinalDeviceState, RecordHistory, ServerApply, SimFinal } from './history.ts';
import { keyOf } from './record-keys.ts';
import { fieldHolds, holds, type RecordKey, recordKey } from './values.ts';

const applyByRevCache = new WeakMap<RecordHistory, Map<number, ServerApply>>();

/** The apply that produced rev `rev` of the record (the first one, if a buggy server made two). */
export function applyAtRev(record: RecordHistory, rev: number): ServerApply | undefined {
  let byRev = applyByRevCache.get(record);
  if (byRev === undefined) {
    byRev = new Map();
    for (const apply of record.applies) if (!byRev.has(apply.revAfter)) byRev.set(apply.revAfter, apply);
    applyByRevCache.set(record, byRev);
  }
  return byRev.get(rev);
}

/** True when the server state at rev `rev` was live and held `token` in `field`. */
export function revHolds(record: RecordHistory, rev: number | null, field: string, token: string): boolean {
  if (rev === null) return false;
  const apply = applyAtRev(record, rev);
  return apply !== undefined && !apply.deleted && fieldHolds(apply.fields, field, token);
}

/** The first apply after which the live record held `token` in `field`. */
export function carryingApply(record: RecordHistory, field: string, token: string): ServerApply | undefined {
  return record.applies.find((apply) => !apply.deleted && fieldHolds(apply.fields, field, token));
}

/** The first apply after `from` that left the record without `token` in `field` (or deleted it). */
export function removingApply(
  record: RecordHistory,
  from: ServerApply,
  field: string,
  token: string,
): ServerApply | undefined {
  return record.applies.find(
    (apply) => apply.seq > from.seq && (apply.deleted || !fieldHolds(apply.fields, field, token)),
  );
}

/** True when the final server record is live and holds `token` in `field`. */
export function finalHolds(record: RecordHistory, field: string, token: string): boolean {
  const final = record.final;
  return final !== undefined && !final.deleted && fieldHolds(final.fields, field, token);
}

/** True when the record is live in the final server state. */
export function finalLive(record: RecordHistory): boolean {
  return record.final !== undefined && !record.final.deleted;
}

/** The conflicts a device lists about the record `key`. */
export function conflictsOn(state: FinalDeviceState, key: RecordKey): Conflict[] {
  return state.conflicts.filter((conflict) => recordKey(conflict.collection, conflict.recordId) === key);
}

/** True when one side of the conflict shows `token` in `field` (a whole-record side is a Fields). */
export function conflictShows(conflict: Conflict, side: 'local' | 'remote', field: string, token: string): boolean {
  if (conflict.field !== undefined && conflict.field !== field) return false;
  const value = conflict[side];
  if (conflict.field === undefined) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && holds(value[field], token);
  }
  return holds(value, token);
}

/** Devices whose final conflicts show `token` in `field` of record `key`, with the sim.final seq. */
export function surfacedBy(final: SimFinal, key: RecordKey, field: string, token: string): string[] {
  const devices: string[] = [];
  for (const [device, state] of final.devices) {
    const shown = conflictsOn(state, key).some(
      (conflict) => conflictShows(conflict, 'local', field, token) || conflictShows(conflict, 'remote', field, token),
    );
    if (shown) devices.push(device);
  }
  return devices;
}

/** True when any device's final conflicts are about record `key`. */
export function anyConflictOn(final: SimFinal, key: RecordKey): boolean {
  return [...final.devices.values()].some((state) => conflictsOn(state, key).length > 0);
}

const viewKeysCache = new WeakMap<LocalRecord[], Set<RecordKey>>();

/** The `collection/id` keys a list of records shows (cached per list). */
export function shownKeys(records: LocalRecord[]): Set<RecordKey> {
  let keys = viewKeysCache.get(records);
  if (keys === undefined) {
    keys = new Set(records.map((record) => keyOf(record)));
    viewKeysCache.set(records, keys);
  }
  return keys;
}
