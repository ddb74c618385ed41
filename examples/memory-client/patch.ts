/**
 * @module examples/memory-client/patch
 * Pure helpers: applying a patch to a record's fields exactly as the server does (so the
 * local view shows what the server will hold), and what the app shows for a record: the
 * last server state known (the base) with the device's pending ops replayed on top.
 */
import type { Fields, PatchOp } from 'syncstorm';
import type { Base, PendingOp } from './store.ts';

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** `fields` with `patch` applied; an operation that does not fit the field is skipped (the server would answer 400). */
export function applyPatch(fields: Fields, patch: readonly PatchOp[]): Fields {
  const next: Fields = { ...fields };
  for (const op of patch) {
    const current = next[op.field] ?? null;
    if (op.op === 'set') next[op.field] = op.value;
    if (op.op === 'inc' && (current === null || typeof current === 'number')) next[op.field] = (current ?? 0) + op.by;
    const set = current === null ? [] : Array.isArray(current) ? current : undefined;
    if (op.op === 'add' && set !== undefined) next[op.field] = sortedUnique([...set, ...op.values]);
    if (op.op === 'remove' && set !== undefined) next[op.field] = set.filter((value) => !op.values.includes(value));
  }
  return next;
}

/** A create's patch: `set` for scalars, `add` for sets (a set op never carries an array). */
export function patchOfFields(fields: Fields): PatchOp[] {
  return Object.entries(fields).map(([field, value]) =>
    Array.isArray(value) ? { op: 'add', field, values: [...value] } : { op: 'set', field, value },
  );
}

export interface Shown {
  live: boolean;
  fields: Fields;
}

/** The record as the app shows it: its base with the pending ops of the record replayed in order. */
export function shownRecord(base: Base | undefined, ops: readonly PendingOp[]): Shown {
  let live = base !== undefined && !base.deleted;
  let fields: Fields = live ? { ...(base as Base).fields } : {};
  for (const op of ops) {
    if (op.kind === 'create') {
      live = true;
      fields = applyPatch({}, op.patch);
    } else if (op.kind === 'update' && live) {
      fields = applyPatch(fields, op.patch);
    } else if (op.kind === 'delete') {
      live = false;
      fields = {};
    }
  }
  return { live, fields };
}
