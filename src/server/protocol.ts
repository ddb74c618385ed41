/**
 * @module server/protocol
 * The data model and wire types of the reference sync protocol (docs/protocol.md is the
 * prose). The app-level data model (fields, patch operations) lives here too, because the
 * adapter contract reuses it: a record is a bag of fields; a patch is a list of operations.
 */

/** A plain field value. */
export type Scalar = string | number | boolean | null;

/**
 * A field value. A `string[]` is a set field: sorted, no duplicates. A number written by
 * `inc` is a counter field.
 */
export type FieldValue = Scalar | string[];

export type Fields = Record<string, FieldValue>;

/** One change to one field. A patch is applied in order. */
export type PatchOp =
  | { op: 'set'; field: string; value: Scalar }
  | { op: 'add'; field: string; values: string[] }
  | { op: 'remove'; field: string; values: string[] }
  | { op: 'inc'; field: string; by: number };

export type OpKind = 'create' | 'update' | 'delete';

/**
 * One write as the client sends it. `opId` is also the Idempotency-Key. `baseRev` is the
 * server rev the client's change was made on (null for a create).
 */
export interface SyncOp {
  opId: string;
  collection: string;
  id: string;
  kind: OpKind;
  baseRev: number | null;
  patch: PatchOp[];
}

/** A record as the server holds it. A deleted record stays as a tombstone. */
export interface ServerRecord {
  collection: string;
  id: string;
  /** Monotonic per record, 1 on create, +1 on every applied op. */
  rev: number;
  /** Server virtual time (epoch ms) of the last applied op. */
  updatedAtServer: number;
  deleted: boolean;
  fields: Fields;
  /**
   * Only on pulls filtered by a subscription: the record left the subscription (it is live,
   * but no longer matches); `fields` is empty. Not a delete: drop the local copy, keep any
   * pending write to it (docs/protocol.md, "Subscriptions").
   */
  movedOut?: true;
}

/** Body of 200/201 on `POST /sync/ops`. `record` is null for a delete of an unknown id. */
export interface OpApplied {
  opId: string;
  record: ServerRecord | null;
}

export type ConflictReason = 'stale-base-rev' | 'deleted' | 'exists' | 'spurious' | 'concurrent-write';

/** Body of 409. `current` is the record as the server holds it now (a tombstone if deleted). */
export interface ConflictBody {
  error: 'conflict';
  reason: ConflictReason;
  opId: string;
  current: ServerRecord;
}

export type ErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'idempotency-key-reused'
  | 'unauthorized'
  | 'precondition-failed'
  | 'rate-limited'
  | 'server-error'
  | 'unavailable'
  | 'method-not-allowed'
  | 'resync-required';

/** Body of every other 4xx/5xx answer. `path` names the offending input, when there is one. */
export interface ErrorBody {
  error: ErrorCode;
  reason: string;
  path?: string;
}

/** `POST /sync/batch` request and answer: one result per op, in order. */
export interface BatchRequest {
  ops: SyncOp[];
}

export interface BatchResult {
  opId: string;
  status: number;
  body: OpApplied | ConflictBody | ErrorBody;
}

export interface BatchResponse {
  results: BatchResult[];
}

/** `GET /changes` and `GET /snapshot` answer. `next` is opaque: send it back as `since`/`cursor`. */
export interface ChangesPage {
  changes: ServerRecord[];
  next: string;
  hasMore: boolean;
}

/**
 * `GET /snapshot` answer. `since` is the `/changes` cursor taken when the snapshot started (the
 * same on every page): after the last page, pull `/changes?since=<since>` to catch the writes
 * that landed while the snapshot was being paged.
 */
export interface SnapshotPage extends ChangesPage {
  since: string;
}

/** How a page of records was selected (the `mode` of a `server.changes` trace event). */
export type ChangesMode = 'cursor' | 'checkpoint' | 'snapshot';

/** `POST /auth/refresh` request and answer. `expiresAt` is server epoch ms. */
export interface RefreshRequest {
  deviceId: string;
}

export interface TokenResponse {
  token: string;
  expiresAt: number;
}

export const ROUTES = {
  op: '/sync/ops',
  batch: '/sync/batch',
  changes: '/changes',
  snapshot: '/snapshot',
  refresh: '/auth/refresh',
} as const;

/** Header that carries the op id on `POST /sync/ops`. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Header set to `true` on an answer replayed from the idempotency store. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Header the simulated network sets so the server knows which device sent a request. */
export const DEVICE_HEADER = 'X-Syncstorm-Device';
