/**
 * @module client/kit/diff
 * From states to patches, for state-based engines. RxDB and WatermelonDB hand the adapter a
 * record's old and new state; the reference protocol wants a patch (`PatchOp[]`). The diff
 * keeps the meaning of each field kind: a set (a `string[]`) becomes `add`/`remove` of the
 * members that changed, so concurrent adds on two devices both survive on the server; a
 * counter (a number the adapter names as one) becomes `inc` by the difference, so
 * concurrent increments add up; anything else becomes `set`, and a field that disappeared
 * is set to null (the protocol has no field removal). Equal states give `[]`.
 *
 * `patchedFields` goes the other way, for an adapter's `update(collection, id, patch)`: the
 * state a patch leads to, with the server's own patch semantics.
 */
import { applyPatch, normalizeSet } from '../../server/patch.ts';
import type { Fields, FieldValue, PatchOp } from '../../server/protocol.ts';

export interface DiffOptions {
  /** Number fields to diff as counters (`inc`); the others are `set`. */
  counters?: readonly string[] | ((field: string) => boolean);
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => value === b[i]);
  return a === b;
}

function isCounter(options: DiffOptions, field: string): boolean {
  const counters = options.counters;
  if (counters === undefined) return false;
  return typeof counters === 'function' ? counters(field) : counters.includes(field);
}

function setOps(field: string, before: FieldValue | undefined, after: string[]): PatchOp[] {
  const next = normalizeSet(after);
  const ops: PatchOp[] = [];
  // A scalar cannot take add/remove (type-mismatch): clear it first.
  if (before !== undefined && before !== null && !Array.isArray(before)) ops.push({ op: 'set', field, value: null });
  const held = new Set(Array.isArray(before) ? before : []);
  const added = next.filter((value) => !held.has(value));
  const kept = new Set(next);
  const removed = [...held].filter((value) => !kept.has(value)).sort();
  if (added.length > 0) ops.push({ op: 'add', field, values: added });
  if (removed.length > 0) ops.push({ op: 'remove', field, values: removed });
  // An empty set written over nothing (or over a cleared scalar) still has to exist on the server.
  if (added.length === 0 && !Array.isArray(before)) ops.push({ op: 'add', field, values: [] });
  return ops;
}

/** The patch that takes `before` (undefined or null: a new record) to `after`, fields in sorted order. */
export function diffFields(
  before: Readonly<Fields> | undefined | null,
  after: Readonly<Fields>,
  options: DiffOptions = {},
): PatchOp[] {
  const old: Readonly<Fields> = before ?? {};
  const fields = [...new Set([...Object.keys(old), ...Object.keys(after)])].sort();
  const patch: PatchOp[] = [];
  for (const field of fields) {
    const a = Object.hasOwn(old, field) ? old[field] : undefined;
    const b = Object.hasOwn(after, field) ? after[field] : undefined;
    if (sameValue(a, b)) continue;
    if (b === undefined) {
      if (a !== null) patch.push({ op: 'set', field, value: null });
    } else if (Array.isArray(b)) {
      patch.push(...setOps(field, a, b));
    } else if (typeof b === 'number' && typeof a === 'number' && isCounter(options, field)) {
      patch.push({ op: 'inc', field, by: b - a });
    } else {
      patch.push({ op: 'set', field, value: b });
    }
  }
  return patch;
}

/** The fields `patch` leads to from `fields` (server semantics). Throws a clear error for a patch that does not fit. */
export function patchedFields(fields: Readonly<Fields>, patch: readonly PatchOp[]): Fields {
  const result = applyPatch(fields, patch);
  if (!result.ok) {
    throw new Error(
      `[syncstorm] patch does not fit the record: ${result.error.reason} at ${result.error.path ?? 'patch'}`,
    );
  }
  return result.fields;
}
