/**
 * @module check/values
 * Field values as the checkers see them. The workload writes every string value only once
 * in a run, so a string is a *token*: finding it somewhere says which user write put it there.
 * Also: field equality (sets compared as sorted lists, an absent field equal to null) and the
 * policy of a field (a copy of the contract's rule, because check/ shares no runtime code
 * with client/).
 */
import type { FieldPolicy, LocalRecord, MergePolicy } from '../client/contract.ts';
import type { Fields, FieldValue, PatchOp } from '../server/protocol.ts';

/** The device name of server-side automation writes (server.apply with opId 'auto-<n>'). */
export const SERVER_DEVICE = 'server';

/** `collection/id`: the key of one record in every index of the history. */
export type RecordKey = string;

export function recordKey(collection: string, id: string): RecordKey {
  return `${collection}/${id}`;
}

/** The policy of one field, as `fieldPolicy` in client/contract.ts defines it. */
export function policyOf(policy: MergePolicy, field: string): FieldPolicy {
  return policy.fields?.[field] ?? policy.default;
}

/**
 * One value written by one user write: a string set on a scalar field (`scalar`), or a
 * string added to a set field (`element`).
 */
export interface Token {
  field: string;
  value: string;
  kind: 'scalar' | 'element';
}

/** True when `value` holds `token`: the same string, or a set that contains it. */
export function holds(value: unknown, token: string): boolean {
  if (Array.isArray(value)) return value.includes(token);
  return value === token;
}

/** True when field `field` of `fields` holds `token`. */
export function fieldHolds(fields: Fields | null | undefined, field: string, token: string): boolean {
  if (fields === null || fields === undefined) return false;
  return holds(fields[field], token);
}

/** True when the record `seen` (a writer's local view) shows `token` in `field`. */
export function seenHolds(seen: LocalRecord | null, field: string, token: string): boolean {
  return seen !== null && fieldHolds(seen.fields, field, token);
}

/** The tokens of a record's fields (a create). */
export function tokensOfFields(fields: Fields): Token[] {
  // What tokensOfValue gives per field, in field order, without its arrays and entry pairs:
  // the checkers call this for every record of every view.
  const tokens: Token[] = [];
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (typeof value === 'string') tokens.push({ field, value, kind: 'scalar' });
    else if (Array.isArray(value)) for (const element of value) tokens.push({ field, value: element, kind: 'element' });
  }
  return tokens;
}

/** The tokens of one field value: a string is a scalar token, a set's strings are element tokens. */
export function tokensOfValue(field: string, value: FieldValue | undefined): Token[] {
  if (typeof value === 'string') return [{ field, value, kind: 'scalar' }];
  if (Array.isArray(value)) return value.map((element) => ({ field, value: element, kind: 'element' as const }));
  return [];
}

/**
 * The tokens a patch writes. A patch applies in order, so a string set and then set again
 * in the same patch, or added and then removed, never was a write the user committed.
 */
export function tokensOfPatch(patch: readonly PatchOp[]): Token[] {
  const scalars = new Map<string, Token>();
  const elements = new Map<string, Token>();
  for (const op of patch) {
    if (op.op === 'set') {
      scalars.delete(op.field);
      if (typeof op.value === 'string') scalars.set(op.field, { field: op.field, value: op.value, kind: 'scalar' });
    } else if (op.op === 'add') {
      for (const value of op.values)
        elements.set(`${op.field}\u0000${value}`, { field: op.field, value, kind: 'element' });
    } else if (op.op === 'remove') {
      for (const value of op.values) elements.delete(`${op.field}\u0000${value}`);
    }
  }
  return [...scalars.values(), ...elements.values()];
}

/** True when any op of the patch is on `field`. */
export function patchTouches(patch: readonly PatchOp[], field: string): boolean {
  return patch.some((op) => op.field === field);
}

/** True when the patch removes `token` from `field` or sets `field` (replacing the old value). */
export function patchReplaces(patch: readonly PatchOp[], field: string, token: string): boolean {
  return patch.some(
    (op) => op.field === field && (op.op === 'set' || (op.op === 'remove' && op.values.includes(token))),
  );
}

function normalise(value: FieldValue | undefined): FieldValue {
  if (value === undefined) return null;
  if (Array.isArray(value)) return [...value].sort();
  return value;
}

/** Field equality: sets as sorted lists (duplicates still differ), an absent field equal to null. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    // Equal element by element: then equal sorted too, without sorting two copies (the
    // checkers compare every field of every record of every view).
    let index = 0;
    while (index < a.length && a[index] === b[index]) index++;
    if (index === a.length) return true;
  }
  const left = normalise(a);
  const right = normalise(b);
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((element, index) => element === right[index]);
  }
  return left === right;
}

const isEnumerable = Object.prototype.propertyIsEnumerable;

/** Names of the fields whose values differ between `a` and `b`, sorted. */
export function differingFields(a: Fields, b: Fields): string[] {
  // The union of both objects' keys, each once, as a Set of both key lists would give it, but
  // with no list or Set made for records that agree (nearly all of them).
  let names: string[] | undefined;
  for (const name of Object.keys(a)) if (!sameValue(a[name], b[name])) (names ??= []).push(name);
  for (const name of Object.keys(b))
    if (!isEnumerable.call(a, name) && !sameValue(a[name], b[name])) (names ??= []).push(name);
  return names === undefined ? [] : names.sort();
}

/**
 * Record equality, the one notion shared by the convergence checker and the simulator's heal
 * phase: every field the same by `sameValue` (an absent field equal to null).
 */
export function sameFields(a: Fields, b: Fields): boolean {
  return differingFields(a, b).length === 0;
}

/** A JSON-friendly excerpt of a value for a message. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
