/**
 * @module client/reference/store
 * Typed access to the reference client's tables: one prepared statement per question,
 * rows decoded and checked on the way out. Everything above this file speaks rows, not SQL.
 */
import type Database from 'better-sqlite3';
import { assert } from '../../kernel/assert.ts';
import type { ServerRecord } from '../../server/protocol.ts';
import type { Fields, LocalRecord, RecordStatus } from '../contract.ts';
import { KnownIds } from './known-ids.ts';
import type { ConflictRow, OutboxRow } from './schema.ts';
import { migrate, type RecordRow } from './schema.ts';
import { ShownCache } from './shown-cache.ts';

type Row = Record<string, unknown>;

/** Up to this many ids, `recordsIn` looks each up by key (see there). */
export const RECORDS_IN_BY_ID = 32;

function json<T>(text: unknown): T {
  assert(typeof text === 'string', 'store: expected a JSON column');
  return JSON.parse(text) as T;
}

function decodeRecord(row: Row): RecordRow {
  const record: RecordRow = {
    collection: row.collection as string,
    id: row.id as string,
    fields: json<Fields>(row.fields),
    deleted: row.deleted === 1,
    status: row.status as RecordStatus,
    error: (row.error as string | null) ?? null,
    baseFields: row.base_fields === null ? null : json<Fields>(row.base_fields),
    baseDeleted: row.base_deleted === 1,
    rev: (row.rev as number | null) ?? null,
    serverUpdatedAt: (row.server_updated_at as number | null) ?? null,
    shadow: row.shadow === null ? null : json<ServerRecord>(row.shadow),
  };
  assert(record.rev === null || record.baseFields !== null, `store: record ${record.id} has a rev but no base`);
  return record;
}

function decodeOp(row: Row): OutboxRow {
  const op: OutboxRow = {
    seq: row.seq as number,
    opId: row.op_id as string,
    collection: row.collection as string,
    recordId: row.record_id as string,
    kind: row.kind as OutboxRow['kind'],
    patch: json(row.patch),
    baseRev: (row.base_rev as number | null) ?? null,
    createdAt: row.created_at as number,
    attemptCount: row.attempt_count as number,
    state: row.state as OutboxRow['state'],
  };
  assert(op.attemptCount >= 0, `store: outbox row ${op.opId} has a negative attempt count`);
  return op;
}

function decodeConflict(row: Row): ConflictRow {
  return {
    id: row.id as string,
    collection: row.collection as string,
    recordId: row.record_id as string,
    field: (row.field as string | null) ?? null,
    local: json(row.local),
    remote: json(row.remote),
    remoteRev: row.remote_rev as number,
    createdAt: row.created_at as number,
  };
}

export class Store {
  private readonly statements = new Map<string, Database.Statement>();
  /** One transaction wrapper per connection (making one per call cost ~6% of a run). */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  /** What `shownRecords` returns, kept up to date (shown-cache.ts). */
  private readonly shown: ShownCache;
  /** Ids that may have a row, per collection (known-ids.ts). */
  private readonly known: KnownIds;
  /** 1 inside this store's outermost transaction, more when nested in it, else 0. */
  private transactionDepth = 0;
  /** Rows the store's write statements have changed, in all. */
  private ownChanges = 0;

  constructor(readonly db: Database.Database) {
    migrate(db);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.shown = new ShownCache(db, () => this.ownChanges);
    this.known = new KnownIds(db, () => this.ownChanges);
  }

  /**
   * A prepared statement, prepared once per connection. A write statement counts the rows it
   * changed in `ownChanges` (so the caches can tell writes of others from the store's own,
   * foreign-writes.ts); every write to `records` goes through putRecord or deleteRecord,
   * which name the row.
   */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      if (!statement.reader) {
        const run = statement.run.bind(statement);
        statement.run = (...params: unknown[]) => {
          const result = run(...params);
          this.ownChanges += result.changes;
          return result;
        };
      }
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `fn` in one transaction (all or nothing, also across a kill). */
  transaction<T>(fn: () => T): T {
    // The shown cache takes the rows written in the outermost one once it has committed.
    const outermost = this.transactionDepth === 0 && !this.db.inTransaction;
    if (!outermost) return this.nestedTransaction(fn);
    this.transactionDepth = 1;
    try {
      const result = this.inTransaction(fn) as T;
      this.shown.settled(true);
      return result;
    } catch (error) {
      this.shown.settled(false);
      throw error;
    } finally {
      this.transactionDepth = 0;
    }
  }

  /** A transaction inside another: whatever it wrote is read again by the shown cache. */
  private nestedTransaction<T>(fn: () => T): T {
    const depth = this.transactionDepth;
    this.transactionDepth = depth === 0 ? 0 : depth + 1;
    try {
      return this.inTransaction(fn) as T;
    } finally {
      this.transactionDepth = depth;
    }
  }

  kvGet(key: string): string | undefined {
    const row = this.sql('SELECT value FROM kv WHERE key = ?').get(key) as Row | undefined;
    return row === undefined ? undefined : (row.value as string);
  }

  kvSet(key: string, value: string): void {
    this.sql('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  kvDelete(key: string): void {
    this.sql('DELETE FROM kv WHERE key = ?').run(key);
  }

  record(collection: string, id: string): RecordRow | undefined {
    const row = this.sql('SELECT * FROM records WHERE collection = ? AND id = ?').get(collection, id) as
      | Row
      | undefined;
    return row === undefined ? undefined : decodeRecord(row);
  }

  /** The ids among `ids` that may have a row in `collection`; the others have none (known-ids.ts). */
  mayExist(collection: string, ids: Iterable<string>): string[] {
    return this.known.mayExist(collection, ids);
  }

  /**
   * The rows of `ids` (distinct) in `collection`, in no particular order. Up to
   * RECORDS_IN_BY_ID ids are read one statement each: inside a 1,000-device run one
   * `id IN (SELECT value FROM json_each(?))` statement cost 80–100 µs whatever the list's
   * length (1 to 16 ids), one lookup by key 3–6 µs (bench/README.md, session 10). A longer
   * list is read in one statement.
   */
  recordsIn(collection: string, ids: readonly string[]): RecordRow[] {
    if (ids.length > RECORDS_IN_BY_ID) {
      const statement = this.sql(
        'SELECT * FROM records WHERE collection = ? AND id IN (SELECT value FROM json_each(?))',
      );
      return (statement.all(collection, JSON.stringify(ids)) as Row[]).map(decodeRecord);
    }
    const rows: RecordRow[] = [];
    for (const id of ids) {
      const row = this.record(collection, id);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /**
   * Outbox rows per record id among `ids` in `collection`; ids without any are absent. Reads
   * the collection's outbox rows (a device's unsent writes: few) from the index, with no id
   * list for SQLite to parse: most pages meet an empty outbox.
   */
  opCountsIn(collection: string, ids: ReadonlySet<string>): Map<string, number> {
    const statement = this.sql('SELECT record_id FROM outbox WHERE collection = ?').pluck();
    const counts = new Map<string, number>();
    for (const id of statement.all(collection) as string[]) if (ids.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  /** The ids among `ids` in `collection` that have an open conflict (conflicts are few: all of them are read). */
  contestedIn(collection: string, ids: ReadonlySet<string>): Set<string> {
    const statement = this.sql('SELECT record_id FROM conflicts WHERE collection = ?').pluck();
    const contested = new Set<string>();
    for (const id of statement.all(collection) as string[]) if (ids.has(id)) contested.add(id);
    return contested;
  }

  /**
   * Live (not deleted) records of a collection as the app shows them, ordered by id: frozen
   * records, shared between calls while they do not change (shown-cache.ts).
   */
  shownRecords(collection: string): LocalRecord[] {
    return this.shown.list(collection);
  }

  /** `collection/id` of every record whose base is a live server state (not a tombstone). */
  liveBaseKeys(): string[] {
    const rows = this.sql(
      'SELECT collection, id FROM records WHERE rev IS NOT NULL AND base_deleted = 0 ORDER BY collection, id',
    ).all() as Row[];
    return rows.map((row) => `${row.collection as string}/${row.id as string}`);
  }

  /** Every record the device shows (not deleted), ordered by collection and id. */
  liveRecords(): RecordRow[] {
    const rows = this.sql('SELECT * FROM records WHERE deleted = 0 ORDER BY collection, id').all() as Row[];
    return rows.map(decodeRecord);
  }

  putRecord(record: RecordRow): void {
    const fields = JSON.stringify(record.fields);
    this.sql(
      `INSERT INTO records (collection, id, fields, deleted, status, error, base_fields, base_deleted, rev, server_updated_at, shadow)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (collection, id) DO UPDATE SET fields = excluded.fields, deleted = excluded.deleted,
           status = excluded.status, error = excluded.error, base_fields = excluded.base_fields,
           base_deleted = excluded.base_deleted, rev = excluded.rev, server_updated_at = excluded.server_updated_at,
           shadow = excluded.shadow`,
    ).run(
      // Positional, in column order: binding by name looks every parameter up on an object.
      record.collection,
      record.id,
      fields,
      record.deleted ? 1 : 0,
      record.status,
      record.error,
      // A record adopted as is shows its base: one object, written once.
      record.baseFields === null
        ? null
        : record.baseFields === record.fields
          ? fields
          : JSON.stringify(record.baseFields),
      record.baseDeleted ? 1 : 0,
      record.rev,
      record.serverUpdatedAt,
      record.shadow === null ? null : JSON.stringify(record.shadow),
    );
    this.known.wrote(record.collection, record.id);
    const { status, rev, deleted } = record;
    this.shown.touch(record.collection, record.id, { fields, status, rev, deleted }, this.transactionDepth === 1);
  }

  deleteRecord(collection: string, id: string): void {
    this.sql('DELETE FROM records WHERE collection = ? AND id = ?').run(collection, id);
    this.shown.touch(collection, id);
  }

  insertOp(op: Omit<OutboxRow, 'seq'>): number {
    const result = this.sql(
      `INSERT INTO outbox (op_id, collection, record_id, kind, patch, base_rev, created_at, attempt_count, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      op.opId,
      op.collection,
      op.recordId,
      op.kind,
      JSON.stringify(op.patch),
      op.baseRev,
      op.createdAt,
      op.attemptCount,
      op.state,
    );
    return Number(result.lastInsertRowid);
  }

  updateOp(op: OutboxRow): void {
    const result = this.sql(
      `UPDATE outbox SET op_id = ?, kind = ?, patch = ?, base_rev = ?, attempt_count = ?, state = ? WHERE seq = ?`,
    ).run(op.opId, op.kind, JSON.stringify(op.patch), op.baseRev, op.attemptCount, op.state, op.seq);
    assert(result.changes === 1, `store: outbox row ${op.seq} to update is gone`);
  }

  /** Moves every outbox row of record `from` to record `to` (a record that changed id). */
  moveOps(collection: string, from: string, to: string): void {
    this.sql('UPDATE outbox SET record_id = ? WHERE collection = ? AND record_id = ?').run(to, collection, from);
  }

  deleteOp(seq: number): void {
    this.sql('DELETE FROM outbox WHERE seq = ?').run(seq);
  }

  op(seq: number): OutboxRow | undefined {
    const row = this.sql('SELECT * FROM outbox WHERE seq = ?').get(seq) as Row | undefined;
    return row === undefined ? undefined : decodeOp(row);
  }

  /** The first `limit` outbox rows, oldest first. */
  headOps(limit: number): OutboxRow[] {
    if (limit === 1) {
      // The common case (no batching): a literal LIMIT 1 costs SQLite a fifth of a bound one.
      const row = this.sql('SELECT * FROM outbox ORDER BY seq LIMIT 1').get() as Row | undefined;
      return row === undefined ? [] : [decodeOp(row)];
    }
    return (this.sql('SELECT * FROM outbox ORDER BY seq LIMIT ?').all(limit) as Row[]).map(decodeOp);
  }

  opsFor(collection: string, recordId: string): OutboxRow[] {
    const rows = this.sql('SELECT * FROM outbox WHERE collection = ? AND record_id = ? ORDER BY seq').all(
      collection,
      recordId,
    );
    return (rows as Row[]).map(decodeOp);
  }

  outboxSize(): number {
    return (this.sql('SELECT count(*) AS n FROM outbox').get() as Row).n as number;
  }

  insertConflict(conflict: ConflictRow): void {
    this.sql(
      `INSERT INTO conflicts (id, collection, record_id, field, local, remote, remote_rev, created_at)
         VALUES (@id, @collection, @recordId, @field, @local, @remote, @remoteRev, @createdAt)`,
    ).run({ ...conflict, local: JSON.stringify(conflict.local), remote: JSON.stringify(conflict.remote) });
  }

  conflict(id: string): ConflictRow | undefined {
    const row = this.sql('SELECT * FROM conflicts WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : decodeConflict(row);
  }

  conflictsFor(collection: string, recordId: string): ConflictRow[] {
    const rows = this.sql('SELECT * FROM conflicts WHERE collection = ? AND record_id = ? ORDER BY created_at, id');
    return (rows.all(collection, recordId) as Row[]).map(decodeConflict);
  }

  /** Whether the record has an open conflict (without reading them). */
  hasConflicts(collection: string, recordId: string): boolean {
    return (
      this.sql('SELECT 1 FROM conflicts WHERE collection = ? AND record_id = ? LIMIT 1').get(collection, recordId) !==
      undefined
    );
  }

  allConflicts(): ConflictRow[] {
    return (this.sql('SELECT * FROM conflicts ORDER BY created_at, id').all() as Row[]).map(decodeConflict);
  }

  /** A newer server state arrived for a contested field: the conflict shows it from now on. */
  updateConflictRemote(id: string, remote: unknown, remoteRev: number): void {
    this.sql('UPDATE conflicts SET remote = ?, remote_rev = ? WHERE id = ?').run(JSON.stringify(remote), remoteRev, id);
  }

  /** The user edited their side of a whole-record conflict before resolving it. */
  updateConflictLocal(id: string, local: unknown): void {
    this.sql('UPDATE conflicts SET local = ? WHERE id = ?').run(JSON.stringify(local), id);
  }

  deleteConflict(id: string): void {
    this.sql('DELETE FROM conflicts WHERE id = ?').run(id);
  }
}
