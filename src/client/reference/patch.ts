/**
 * @module client/reference/patch
 * Field patches, pure: applying one to a bag of fields, turning initial fields into the
 * patch of a create, and compacting a patch to one operation per field where that keeps
 * its meaning (per-field coalescing). The semantics match the reference server's: `set`
 * replaces, `add`/`remove` keep a set field sorted and free of duplicates, `inc` adds to a
 * number (a missing or non-numeric value counts as 0).
 */
import type { Fields, FieldValue, PatchOp } from '../contract.ts';

function asSet(value: FieldValue | undefined): string[] {
  return Array.isArray(value) ? value : [];
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Applies one operation to `fields` in place. */
export function applyOp(fields: Fields, op: PatchOp): void {
  switch (op.op) {
    case 'set':
      fields[op.field] = op.value;
      return;
    case 'add':
      fields[op.field] = sortedUnique([...asSet(fields[op.field]), ...op.values]);
      return;
    case 'remove': {
      const removed = new Set(op.values);
      fields[op.field] = asSet(fields[op.field]).filter((value) => !removed.has(value));
      return;
    }
    case 'inc': {
      const current = fields[op.field];
      fields[op.field] = (typeof current === 'number' ? current : 0) + op.by;
      return;
    }
  }
}

/** A new bag: `fields` with `patch` applied in order. */
export function applyPatch(fields: Fields, patch: readonly PatchOp[]): Fields {
  const out: Fields = structuredClone(fields);
  for (const op of patch) applyOp(out, op);
  return out;
}

/** The patch that builds `fields` from nothing: `add` for set fields, `set` for the rest. */
export function patchFromFields(fields: Fields): PatchOp[] {
  return Object.keys(fields)
    .sort()
    .map((field): PatchOp => {
      const value = fields[field] as FieldValue;
      return Array.isArray(value) ? { op: 'add', field, values: sortedUnique(value) } : { op: 'set', field, value };
    });
}

/** Merges `next` into `previous` when one operation can say both; undefined when it cannot. */
function combine(previous: PatchOp, next: PatchOp): PatchOp | undefined {
  if (next.op === 'set') return next;
  if (previous.op === 'inc' && next.op === 'inc') return { ...next, by: previous.by + next.by };
  if (previous.op === 'set' && next.op === 'inc' && typeof previous.value === 'number') {
    return { ...previous, value: previous.value + next.by };
  }
  if (previous.op === 'add' && next.op === 'add')
    return { ...next, values: sortedUnique([...previous.values, ...next.values]) };
  if (previous.op === 'remove' && next.op === 'remove') {
    return { ...next, values: sortedUnique([...previous.values, ...next.values]) };
  }
  return undefined;
}

/**
 * The same changes with consecutive operations on one field merged (last `set` wins,
 * increments summed, adds and removes gathered). Fields keep the order they first appear in.
 */
export function compactPatch(patch: readonly PatchOp[]): PatchOp[] {
  const byField = new Map<string, PatchOp[]>();
  for (const op of patch) {
    const ops = byField.get(op.field) ?? [];
    const last = ops[ops.length - 1];
    const merged = last === undefined ? undefined : combine(last, op);
    if (merged === undefined) ops.push(op);
    else ops[ops.length - 1] = merged;
    byField.set(op.field, ops);
  }
  return [...byField.values()].flat();
}

/** Fields a patch touches, in first-appearance order. */
export function touchedFields(patch: readonly PatchOp[]): string[] {
  return [...new Set(patch.map((op) => op.field))];
}

/** Structural equality of two field values (sets compared as sorted lists). */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = sortedUnique(a);
    const right = sortedUnique(b);
    return left.length === right.length && left.every((value, index) => value === right[index]);
  }
  return a === b;
}
