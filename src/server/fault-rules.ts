/**
 * @module server/fault-rules
 * Server faults as plain data (JSON from a scenario, or drawn by the fuzzer): a rule matches
 * requests by device, route, op kind, query parameters, time window and nth occurrence, and
 * names one fault.
 * docs/protocol.md ("Server faults") describes each fault's effect; faults.ts applies them.
 *
 * Each fault belongs to one decision point of a request, in this order:
 * - `delay`:   `slow` (the answer is held, then the request is handled normally);
 * - `gateway`: `token-expired`, `412`, `429`, `500`, `503` (the request is not handled);
 * - `op`:      `concurrent-write`, `spurious-409` (per op, batches included, replays excluded);
 * - `page`:    `changes-out-of-order`, `short-page`, `overlapping-page`, `write-between-pages`,
 *              `checkpoint-tie`, `stale-delta` (on `/changes` and `/snapshot` answers);
 * - `cursor`:  `cursor-expired`, `compaction` (cursor-mode `/changes`, before the page is read);
 * - `applied`: `write-after-apply` (per applied op, after its commit, before its answer).
 */
import { z } from 'zod';
import { QUERY_KEYS_MAX } from '../kernel/query-match.ts';
import type { OpKind } from './protocol.ts';

export type ServerRoute = 'op' | 'batch' | 'changes' | 'snapshot' | 'refresh';

export type ServerFault =
  | { type: 'spurious-409' }
  | { type: 'concurrent-write' }
  | { type: '412' }
  | { type: '429'; retryAfterS: number }
  | { type: '500' }
  | { type: '503'; retryAfterS?: number }
  | { type: 'token-expired' }
  | { type: 'changes-out-of-order' }
  | { type: 'short-page'; limit: number }
  | { type: 'overlapping-page' }
  | { type: 'write-between-pages' }
  | { type: 'checkpoint-tie' }
  | { type: 'stale-delta' }
  | { type: 'slow'; ms: number }
  | { type: 'cursor-expired' }
  | { type: 'compaction' }
  | { type: 'write-after-apply' };

export type ServerFaultType = ServerFault['type'];

export interface ServerFaultMatch {
  /** Only requests from this device. */
  device?: string;
  route?: ServerRoute;
  /** Only ops of this kind (a batch matches when one of its ops does); never matches other routes. */
  kind?: OpKind;
  /** Fire on the nth request (1-based) that matches everything else, and only on it. */
  nth?: number;
  /** Virtual ms since the start of the run (scheduler time): fromMs <= t < untilMs. */
  fromMs?: number;
  untilMs?: number;
  /** Fire with this probability (drawn from the server's fault stream). */
  probability?: number;
  /**
   * Query parameters the request must carry: name → exact value, `'*'` (present) or null
   * (absent); unlisted ones are ignored (kernel/query-match.ts). Requests with no query
   * string (ops, batches, refresh) carry none of them.
   */
  query?: Record<string, string | null>;
}

export interface ServerFaultRule {
  /** Name in `server.fault` trace events; defaults to `rule-<n>` (n = order of addition, from 1). */
  id?: string;
  match: ServerFaultMatch;
  fault: ServerFault;
  /** Fire at most this many times (default: unbounded). */
  times?: number;
}

export type DecisionPoint = 'delay' | 'gateway' | 'op' | 'page' | 'cursor' | 'applied';

export const DECISION_POINT: Readonly<Record<ServerFaultType, DecisionPoint>> = Object.freeze({
  slow: 'delay',
  'token-expired': 'gateway',
  '412': 'gateway',
  '429': 'gateway',
  '500': 'gateway',
  '503': 'gateway',
  'concurrent-write': 'op',
  'spurious-409': 'op',
  'changes-out-of-order': 'page',
  'short-page': 'page',
  'overlapping-page': 'page',
  'write-between-pages': 'page',
  'checkpoint-tie': 'page',
  'stale-delta': 'page',
  'cursor-expired': 'cursor',
  compaction: 'cursor',
  'write-after-apply': 'applied',
});

/** Bound on `slow` and `Retry-After`, so a typo cannot stall a run for years of virtual time. */
export const FAULT_DELAY_MS_MAX = 24 * 60 * 60 * 1000;

const seconds = z
  .number()
  .int()
  .min(0)
  .max(FAULT_DELAY_MS_MAX / 1000);

export const serverFaultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('spurious-409') }),
  z.strictObject({ type: z.literal('concurrent-write') }),
  z.strictObject({ type: z.literal('412') }),
  z.strictObject({ type: z.literal('429'), retryAfterS: seconds }),
  z.strictObject({ type: z.literal('500') }),
  z.strictObject({ type: z.literal('503'), retryAfterS: seconds.optional() }),
  z.strictObject({ type: z.literal('token-expired') }),
  z.strictObject({ type: z.literal('changes-out-of-order') }),
  z.strictObject({ type: z.literal('short-page'), limit: z.number().int().min(1) }),
  z.strictObject({ type: z.literal('overlapping-page') }),
  z.strictObject({ type: z.literal('write-between-pages') }),
  z.strictObject({ type: z.literal('checkpoint-tie') }),
  z.strictObject({ type: z.literal('stale-delta') }),
  z.strictObject({ type: z.literal('slow'), ms: z.number().int().min(0).max(FAULT_DELAY_MS_MAX) }),
  z.strictObject({ type: z.literal('cursor-expired') }),
  z.strictObject({ type: z.literal('compaction') }),
  z.strictObject({ type: z.literal('write-after-apply') }),
]);

const virtualMs = z.number().int().min(0);

/** A rule's `query` (kernel/query-match.ts): shared by network and server rules. */
export const queryMatchSchema = z
  .record(z.string().min(1), z.string().nullable())
  .refine((query) => Object.keys(query).length <= QUERY_KEYS_MAX, `at most ${QUERY_KEYS_MAX} keys`)
  .describe("Query parameters the request must carry: name → exact value, '*' (present, any value) or null (absent).");

export const serverFaultRuleSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  match: z.strictObject({
    device: z.string().min(1).optional(),
    route: z.enum(['op', 'batch', 'changes', 'snapshot', 'refresh']).optional(),
    kind: z.enum(['create', 'update', 'delete']).optional(),
    nth: z.number().int().min(1).optional(),
    fromMs: virtualMs.optional(),
    untilMs: virtualMs.optional(),
    probability: z.number().min(0).max(1).optional(),
    query: queryMatchSchema.optional(),
  }),
  fault: serverFaultSchema,
  times: z.number().int().min(1).optional(),
});
