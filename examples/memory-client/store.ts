/**
 * @module examples/memory-client/store
 * The client's state lives in memory (plain maps, fast to read) and in one SQLite table
 * (durable). Every change goes through `commit`: first one SQLite transaction, then the
 * maps. A kill between two commits keeps both or neither; `load` rebuilds the maps from the
 * table when the app starts again. Four kinds of rows share the table:
 * - `base`: the last server state this device knows of a record (tombstones included);
 * - `op`: the outbox, one row per local write, in order;
 * - `conflict`: a local edit that met a deletion, waiting for the user;
 * - `meta`: the pull cursor, the auth token, the next op number.
 */
import type Database from 'better-sqlite3';
import type { Fields, OpKind, PatchOp, SyncOp } from 'syncstorm';

/** The last server state known for a record: its rev only ever goes up. */
export interface Base {
  collection: string;
  id: string;
  rev: number;
  deleted: boolean;
  fields: Fields;
}

/** One local write waiting for the server. */
export interface PendingOp {
  seq: number;
  /** Identity of the op and its Idempotency-Key; replaced only after a 409 (nothing was applied). */
  opId: string;
  collection: string;
  id: string;
  kind: OpKind;
  patch: PatchOp[];
  /** The request body as first sent: every retry sends exactly this (same key, same body). */
  sent?: SyncOp;
}

export interface StoredConflict {
  id: string;
  collection: string;
  recordId: string;
  /** What this device showed (its pending edits included) when the edit met the deletion. */
  local: Fields;
}

type Kind = 'base' | 'op' | 'conflict' | 'meta';

/** A row to write (`value`) or remove (`value` undefined). */
export interface Change {
  kind: Kind;
  key: string;
  value?: unknown;
}

export const recordKey = (collection: string, id: string): string => `${collection}/${id}`;
export const opKey = (seq: number): string => String(seq).padStart(12, '0');

export class MemoryStore {
  readonly bases = new Map<string, Base>();
  /** The outbox in send order (keys are zero-padded sequence numbers, loaded in key order). */
  readonly ops = new Map<string, PendingOp>();
  readonly conflicts = new Map<string, StoredConflict>();
  readonly meta = new Map<string, string>();
  private readonly put: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS state (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key))',
    );
    this.put = db.prepare('INSERT OR REPLACE INTO state (kind, key, value) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM state WHERE kind = ? AND key = ?');
    const rows = db.prepare('SELECT kind, key, value FROM state ORDER BY kind, key').all() as Required<Change>[];
    for (const row of rows) this.remember({ kind: row.kind, key: row.key, value: JSON.parse(row.value as string) });
  }

  /** Writes the changes in one transaction, then applies them to the maps. */
  commit(changes: readonly Change[]): void {
    this.db.transaction(() => {
      for (const change of changes) {
        if (change.value === undefined) this.remove.run(change.kind, change.key);
        else this.put.run(change.kind, change.key, JSON.stringify(change.value));
      }
    })();
    for (const change of changes) this.remember(change);
  }

  private remember(change: Change): void {
    const maps: Record<Kind, Map<string, unknown>> = {
      base: this.bases,
      op: this.ops,
      conflict: this.conflicts,
      meta: this.meta,
    };
    if (change.value === undefined) maps[change.kind].delete(change.key);
    else maps[change.kind].set(change.key, change.value);
  }

  /** The pending ops of one record, in order. */
  opsOf(collection: string, id: string): PendingOp[] {
    return [...this.ops.values()].filter((op) => op.collection === collection && op.id === id);
  }

  /** The next op number (kept in `meta`, so numbers never repeat across restarts). */
  nextSeq(): number {
    return Number(this.meta.get('seq') ?? '0') + 1;
  }
}
