/**
 * @module client/reference/schema
 * The reference client's SQLite schema and row types. Four tables:
 * - `records`: the local view of each record (what the app sees) beside the server state it
 *   is based on (`base_*`, `rev`), its status, and `shadow`, the newest server state seen
 *   while local edits were pending (applied once they are through, never over them);
 * - `outbox`: local writes not yet acknowledged, in order; `op_id` is the idempotency key;
 *   state `pending` = never sent (may still be coalesced), `in-flight` = sent at least once,
 *   outcome unknown (must be resent byte for byte with the same key);
 * - `conflicts`: concurrent changes waiting for the user (needs-review);
 * - `kv`: the pull cursor, the auth token, the retry deadline.
 */
import type Database from 'better-sqlite3';
import type { OpKind, ServerRecord } from '../../server/protocol.ts';
import type { Fields, PatchOp, RecordStatus } from '../contract.ts';

export const SCHEMA_VERSION = 1;

/** Columns of the outbox table; also used by mutants that move it elsewhere. */
export const OUTBOX_COLUMNS_SQL = `
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id TEXT NOT NULL UNIQUE,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
  patch TEXT NOT NULL,
  base_rev INTEGER,
  created_at INTEGER NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('pending', 'in-flight'))`;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS records (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  fields TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  error TEXT,
  base_fields TEXT,
  base_deleted INTEGER NOT NULL DEFAULT 0,
  rev INTEGER,
  server_updated_at INTEGER,
  shadow TEXT,
  PRIMARY KEY (collection, id)
);
CREATE TABLE IF NOT EXISTS outbox (${OUTBOX_COLUMNS_SQL});
CREATE INDEX IF NOT EXISTS outbox_record ON outbox (collection, record_id, seq);
CREATE TABLE IF NOT EXISTS conflicts (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT,
  local TEXT NOT NULL,
  remote TEXT NOT NULL,
  remote_rev INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export type OutboxState = 'pending' | 'in-flight';

export interface RecordRow {
  collection: string;
  id: string;
  /** Local view. */
  fields: Fields;
  deleted: boolean;
  status: RecordStatus;
  error: string | null;
  /** Server state the local view is based on; null when never synced. */
  baseFields: Fields | null;
  baseDeleted: boolean;
  rev: number | null;
  serverUpdatedAt: number | null;
  shadow: ServerRecord | null;
}

export interface OutboxRow {
  seq: number;
  opId: string;
  collection: string;
  recordId: string;
  kind: OpKind;
  patch: PatchOp[];
  baseRev: number | null;
  createdAt: number;
  attemptCount: number;
  state: OutboxState;
}

export interface ConflictRow {
  id: string;
  collection: string;
  recordId: string;
  /** Null when the whole record is contested (edit vs delete). */
  field: string | null;
  local: unknown;
  remote: unknown;
  remoteRev: number;
  createdAt: number;
}

/** Opens the schema on `db` (WAL and synchronous come from the host's storage). */
export function migrate(db: Database.Database): void {
  // A database this schema already opened (every restart after a kill) has its tables:
  // the version is set only after they were made. Parsing the schema again cost ~0.25 ms per open.
  if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return;
  db.exec(SCHEMA_SQL);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
