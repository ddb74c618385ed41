/**
 * @module server/op-shape
 * A hand-written check of a well-formed op: the common case of `POST /sync/ops`, which zod
 * (server/validation) validated at ~15 µs per op, a few percent of a seed of the standard
 * campaign. It accepts only ops `syncOpSchema` accepts and returns what zod returns (a new
 * object, schema key order, unknown keys stripped); for anything else it answers
 * undefined and zod decides, with its reasons and paths. test/server/op-shape.test.ts holds
 * the two side by side on generated ops.
 */
import { LIMITS } from './config.ts';
import type { PatchOp, SyncOp } from './protocol.ts';

/** Visible ASCII, no spaces: UUIDs and the like (server/validation's schemas use it too). */
export const IDENTIFIER = /^[\x21-\x7e]+$/;
/** A field name starts with a letter or `_` (and is never `__proto__`, checked apart). */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** Characters of a collection name in an op. */
export const COLLECTION_LENGTH_MAX = 64;
const KINDS: ReadonlySet<unknown> = new Set(['create', 'update', 'delete']);

type Input = Record<string, unknown>;

function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.idLengthMax && IDENTIFIER.test(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= LIMITS.stringLengthMax;
}

function isFieldName(value: unknown): value is string {
  return typeof value === 'string' && FIELD_NAME.test(value) && value !== '__proto__';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A copy of set members when every one is text and they are few enough. */
function members(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > LIMITS.setMembersMax) return undefined;
  for (const member of value) if (!isText(member)) return undefined;
  return value.slice();
}

function patchOp(input: unknown): PatchOp | undefined {
  if (!isObject(input) || !isFieldName(input.field)) return undefined;
  const field = input.field;
  switch (input.op) {
    case 'set': {
      const value = input.value;
      const scalar = value === null || typeof value === 'boolean' || isFiniteNumber(value) || isText(value);
      return scalar ? { op: 'set', field, value } : undefined;
    }
    case 'add':
    case 'remove': {
      const values = members(input.values);
      return values === undefined ? undefined : { op: input.op, field, values };
    }
    case 'inc':
      return isFiniteNumber(input.by) ? { op: 'inc', field, by: input.by } : undefined;
    default:
      return undefined;
  }
}

function baseRevOf(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= Number.MAX_SAFE_INTEGER
    ? value
    : undefined;
}

/** The op as `syncOpSchema` parses it, or undefined: not sure, ask zod. */
export function wellFormedOp(input: unknown): SyncOp | undefined {
  if (!isObject(input)) return undefined;
  const { opId, collection, id, kind } = input;
  if (!isIdentifier(opId) || !isIdentifier(id) || !KINDS.has(kind)) return undefined;
  if (typeof collection !== 'string' || collection.length < 1 || collection.length > COLLECTION_LENGTH_MAX)
    return undefined;
  const baseRev = baseRevOf(input.baseRev);
  if (baseRev === undefined || !Array.isArray(input.patch) || input.patch.length > LIMITS.patchOpsMax) return undefined;
  const patch: PatchOp[] = [];
  for (const entry of input.patch) {
    const op = patchOp(entry);
    if (op === undefined) return undefined;
    patch.push(op);
  }
  return { opId, collection, id, kind: kind as SyncOp['kind'], baseRev, patch };
}
