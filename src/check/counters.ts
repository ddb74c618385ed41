/**
 * @module check/counters
 * Counter fields: the final server value of a field set against the increments users
 * committed to it. An over-count is a duplicate (no-duplicates); an under-count is a lost
 * write (no-silent-loss). Increments of interrupted calls (a kill during `update`) may or
 * may not have committed, so they widen the bounds instead of moving them.
 */

import type { FieldValue } from '../server/protocol.ts';
import type { History, RecordHistory, UserInterrupted, UserWrite } from './history.ts';
import { SERVER_DEVICE, sameValue } from './values.ts';

export interface CounterTally {
  key: string;
  collection: string;
  id: string;
  field: string;
  /** The value the create gave the field (0 if it gave none). */
  base: number;
  /** Sum of the committed increments (user.update). */
  committed: number;
  /** Sum of the positive / the absolute negative increments of committed writes. */
  committedUp: number;
  committedDown: number;
  /** Sum of the positive / the absolute negative increments of interrupted calls. */
  maybeUp: number;
  maybeDown: number;
  /** The final server value. */
  final: number;
  /** Some increments may legitimately not have reached the server (a device still pending, a conflict). */
  unsettled: boolean;
  /** Devices that incremented the field, sorted. */
  devices: string[];
  /** Seqs of the user.update events that incremented the field. */
  writeSeqs: number[];
  /** Seqs of the server.apply events that changed the field. */
  applySeqs: number[];
}

const cache = new WeakMap<History, CounterTally[]>();

function incrementsOf(write: UserWrite | UserInterrupted, field: string): number[] {
  const ops = 'patch' in write && Array.isArray(write.patch) ? write.patch : [];
  return ops.flatMap((op) => (op.op === 'inc' && op.field === field ? [op.by] : []));
}

function counterFields(record: RecordHistory): Set<string> {
  const fields = new Set<string>();
  for (const write of [...record.writes, ...record.interrupted]) {
    if ('patch' in write && Array.isArray(write.patch)) {
      for (const op of write.patch) if (op.op === 'inc') fields.add(op.field);
    }
  }
  return fields;
}

/** True when something other than increments wrote the field (a set, a resolution, automation). */
function disqualified(record: RecordHistory, field: string): boolean {
  for (const write of record.writes) {
    // A user's delete discards the counter along with the record, whether it reached the
    // server or was turned into a conflict and resolved; no sum is owed after it.
    if (write.type === 'user.delete') return true;
    if (write.type === 'user.update' && write.patch.some((op) => op.field === field && op.op !== 'inc')) return true;
    if (write.type === 'user.resolve' && (write.conflict.field === undefined || write.conflict.field === field)) {
      return true;
    }
  }
  let previous: FieldValue | undefined;
  for (const apply of record.applies) {
    // A delete discards the counter with the record; a restore starts from the restorer's
    // version. Increments before a delete are judged by no-silent-loss's value rules.
    if (apply.deleted) return true;
    if (apply.device === SERVER_DEVICE && !sameValue(previous, apply.fields[field])) return true;
    previous = apply.fields[field];
  }
  return false;
}

function baseOf(record: RecordHistory, field: string): number | undefined {
  const create =
    record.writes.find((write) => write.type === 'user.create') ??
    record.interrupted.find((event) => event.action === 'create');
  if (create === undefined) return undefined;
  const value = create.type === 'user.create' ? create.fields[field] : create.fields?.[field];
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : undefined;
}

function tally(history: History, record: RecordHistory, field: string): CounterTally | undefined {
  const final = history.final;
  const value = record.final?.fields[field];
  if (final === undefined || record.final === undefined || record.final.deleted || typeof value !== 'number') return;
  const base = baseOf(record, field);
  if (base === undefined || disqualified(record, field)) return undefined;
  const committed = record.writes.flatMap((write) => incrementsOf(write, field));
  const maybe = record.interrupted.flatMap((event) => incrementsOf(event, field));
  const states = [...final.devices.values()];
  const conflicted = states.some((state) =>
    state.conflicts.some((conflict) => conflict.collection === record.collection && conflict.recordId === record.id),
  );
  let previous: FieldValue | undefined;
  const applySeqs: number[] = [];
  for (const apply of record.applies) {
    if (!sameValue(previous, apply.fields[field])) applySeqs.push(apply.seq);
    previous = apply.fields[field];
  }
  const writers = record.writes.filter((write) => incrementsOf(write, field).length > 0);
  return {
    key: record.key,
    collection: record.collection,
    id: record.id,
    field,
    base,
    committed: sum(committed),
    committedUp: sum(committed.filter((by) => by > 0)),
    committedDown: -sum(committed.filter((by) => by < 0)),
    maybeUp: sum(maybe.filter((by) => by > 0)),
    maybeDown: -sum(maybe.filter((by) => by < 0)),
    final: value,
    unsettled: conflicted || states.some((state) => state.pending > 0),
    devices: [...new Set(writers.map((write) => write.device))].sort(),
    writeSeqs: writers.map((write) => write.seq),
    applySeqs,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Every counter field of every record that can be judged at the end of the run. */
export function counterTallies(history: History): CounterTally[] {
  const cached = cache.get(history);
  if (cached !== undefined) return cached;
  const tallies: CounterTally[] = [];
  for (const record of history.byRecord.values()) {
    for (const field of counterFields(record)) {
      const result = tally(history, record, field);
      if (result !== undefined) tallies.push(result);
    }
  }
  cache.set(history, tallies);
  return tallies;
}

/** The largest final value the increments allow. */
export function counterMax(tally: CounterTally): number {
  const committed = tally.unsettled ? tally.committedUp : tally.committed;
  return tally.base + committed + tally.maybeUp;
}

/** The smallest final value the increments allow, or undefined when increments may be unsettled. */
export function counterMin(tally: CounterTally): number | undefined {
  if (tally.unsettled) return undefined;
  return tally.base + tally.committed - tally.maybeDown;
}
