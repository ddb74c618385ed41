/**
 * @module server/validation
 * The shape of every request body, as zod schemas, and the translation of the first schema
 * issue into a machine-readable 400 body `{error: 'bad-request', reason, path}`. Shape only:
 * whether an op fits the record it targets is decided by apply-op.ts.
 */
import { z } from 'zod';
import { LIMITS } from './config.ts';
import { COLLECTION_LENGTH_MAX, FIELD_NAME, IDENTIFIER, wellFormedOp } from './op-shape.ts';
import type { BatchRequest, ErrorBody, RefreshRequest, SyncOp } from './protocol.ts';

const identifier = z.string().min(1).max(LIMITS.idLengthMax).regex(IDENTIFIER);
const fieldName = z
  .string()
  .regex(FIELD_NAME)
  .refine((name) => name !== '__proto__', 'reserved field name');
const text = z.string().max(LIMITS.stringLengthMax);
const scalar = z.union([text, z.number(), z.boolean(), z.null()]);
const members = z.array(text).max(LIMITS.setMembersMax);

export const patchOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), field: fieldName, value: scalar }),
  z.object({ op: z.literal('add'), field: fieldName, values: members }),
  z.object({ op: z.literal('remove'), field: fieldName, values: members }),
  z.object({ op: z.literal('inc'), field: fieldName, by: z.number() }),
]);

export const syncOpSchema = z.object({
  opId: identifier,
  collection: z.string().min(1).max(COLLECTION_LENGTH_MAX),
  id: identifier,
  kind: z.enum(['create', 'update', 'delete']),
  baseRev: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
  patch: z.array(patchOpSchema).max(LIMITS.patchOpsMax),
});

export const batchRequestSchema = z.object({
  ops: z.array(syncOpSchema).max(LIMITS.batchOpsMax),
});

export const refreshRequestSchema = z.object({ deviceId: identifier });

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export function badRequest(reason: string, path?: string): ErrorBody {
  return path === undefined ? { error: 'bad-request', reason } : { error: 'bad-request', reason, path };
}

/** `ops[2].patch[0].field` from zod's `['ops', 2, 'patch', 0, 'field']`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function issueReason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing-field' : 'wrong-type';
    case 'too_big':
      return 'too-large';
    case 'too_small':
      return 'too-small';
    case 'invalid_union':
      return 'unknown-variant';
    default:
      return 'invalid-value';
  }
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  if (issue === undefined) return { ok: false, error: badRequest('invalid-value') };
  const path = formatPath(issue.path);
  return { ok: false, error: badRequest(issueReason(issue), path === '' ? undefined : path) };
}

/** Ops whose collection is not served are malformed too (400 `unknown-collection`). */
function checkOp(op: SyncOp, collections: ReadonlySet<string>, prefix: string): ErrorBody | undefined {
  if (!collections.has(op.collection)) return badRequest('unknown-collection', `${prefix}collection`);
  if (op.kind === 'delete' && op.patch.length > 0) return badRequest('patch-on-delete', `${prefix}patch`);
  return undefined;
}

export function parseSyncOp(input: unknown, collections: ReadonlySet<string>): Validated<SyncOp> {
  // The common well-formed op without zod (server/op-shape); zod decides everything else.
  const fast = wellFormedOp(input);
  const parsed: Validated<SyncOp> = fast !== undefined ? { ok: true, value: fast } : parseWith(syncOpSchema, input);
  if (!parsed.ok) return parsed;
  const error = checkOp(parsed.value, collections, '');
  return error === undefined ? parsed : { ok: false, error };
}

/** Validates every op of the batch before any is applied: one bad op rejects the whole batch. */
export function parseBatch(input: unknown, collections: ReadonlySet<string>): Validated<BatchRequest> {
  const parsed = parseWith(batchRequestSchema, input);
  if (!parsed.ok) return parsed;
  for (const [index, op] of parsed.value.ops.entries()) {
    const error = checkOp(op, collections, `ops[${index}].`);
    if (error !== undefined) return { ok: false, error };
  }
  return parsed;
}

export function parseRefresh(input: unknown): Validated<RefreshRequest> {
  return parseWith(refreshRequestSchema, input);
}

/**
 * The op as a canonical string: the Idempotency-Key's body fingerprint. Built from the parsed
 * op (schema key order, unknown keys stripped), so whitespace and key order do not matter.
 */
export function fingerprint(op: SyncOp): string {
  return JSON.stringify([op.opId, op.collection, op.id, op.kind, op.baseRev, op.patch]);
}
