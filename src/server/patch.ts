/**
 * @module server/patch
 * Patch semantics, as a pure function: a patch is applied in order to a copy of the fields,
 * and either every operation applies or none does (the caller keeps the old fields).
 * - `set`: the field takes the scalar value (replacing whatever it held, a set included);
 * - `add` / `remove`: the field is a set (`string[]`, sorted by code unit, no duplicates);
 *   an absent or null field counts as the empty set;
 * - `inc`: the field is a counter; an absent or null field counts as 0.
 * `add`/`remove` on a scalar, or `inc` on a non-number, is a 400 `type-mismatch`.
 */
import { LIMITS } from './config.ts';
import type { ErrorBody, Fields, FieldValue, PatchOp } from './protocol.ts';
import { badRequest } from './validation.ts';

export type PatchResult = { ok: true; fields: Fields } | { ok: false; error: ErrorBody };

/** Sorted (by UTF-16 code unit, as `Array.prototype.sort` does), without duplicates. */
export function normalizeSet(values: readonly string[]): string[] {
  const sorted = [...new Set(values)].sort();
  return sorted;
}

function asSet(value: FieldValue | undefined): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : undefined;
}

function applyOne(fields: Fields, op: PatchOp): FieldValue | undefined {
  const current = Object.hasOwn(fields, op.field) ? fields[op.field] : undefined;
  switch (op.op) {
    case 'set':
      return op.value;
    case 'add': {
      const members = asSet(current);
      return members === undefined ? undefined : normalizeSet([...members, ...op.values]);
    }
    case 'remove': {
      const members = asSet(current);
      if (members === undefined) return undefined;
      const removed = new Set(op.values);
      return members.filter((member) => !removed.has(member));
    }
    case 'inc': {
      if (current === undefined || current === null) return op.by;
      return typeof current === 'number' ? current + op.by : undefined;
    }
  }
}

/** Applies `patch` to a copy of `fields`; `fields` itself is never touched. */
export function applyPatch(fields: Readonly<Fields>, patch: readonly PatchOp[]): PatchResult {
  const next: Fields = { ...fields };
  for (const [index, op] of patch.entries()) {
    const value = applyOne(next, op);
    if (value === undefined) return { ok: false, error: badRequest('type-mismatch', `patch[${index}]`) };
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { ok: false, error: badRequest('not-finite', `patch[${index}]`) };
    }
    if (Array.isArray(value) && value.length > LIMITS.setMembersMax) {
      return { ok: false, error: badRequest('too-large', `patch[${index}]`) };
    }
    next[op.field] = value;
  }
  if (Object.keys(next).length > LIMITS.recordFieldsMax) return { ok: false, error: badRequest('too-many-fields') };
  return { ok: true, fields: next };
}
