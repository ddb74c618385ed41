/**
 * @module client/reference/shown-cache
 * What `list(collection)` shows, kept between calls and brought up to date by re-reading only
 * the records written since: a device that syncs every record of 1,000 devices shows
 * thousands of them, and reading and decoding every row at every view was a tenth of such a
 * run. The records handed out are frozen and shared from one call to the next while they do
 * not change (kernel/frozen: the simulator's trace and checkers then do their per-record work
 * once per record, not once per view); each call returns a fresh array.
 *
 * The cache must never show a stale row. The store reports every record it writes or deletes
 * (`touch`). Before every read the cache asks whether anything but the store wrote since its
 * last read (foreign-writes.ts: another connection's commit, a writer on the store's own
 * connection), and if so forgets everything and reads whole lists again. A transaction rolled
 * back leaves touched records that did not change: re-reading them costs a little and is
 * right. A kill closes the connection and the store with it; a restart starts empty.
 */
import type Database from 'better-sqlite3';
import type { LocalRecord, RecordStatus } from '../contract.ts';
import { ForeignWrites } from './foreign-writes.ts';
import { pooledShown } from './shown-pool.ts';

type Row = Record<string, unknown>;

/** A record row as the store wrote it: what the app is shown of it (fields as JSON). */
export interface Written {
  fields: string;
  status: string;
  rev: number | null;
  deleted: boolean;
}

const COLUMNS = 'collection, id, fields, status, rev';

/**
 * SQLite's order of TEXT (BINARY collation: UTF-8 bytes, i.e. code points) for two JavaScript
 * strings, which `<` compares by UTF-16 code units: those differ only between a surrogate
 * (a code point above U+FFFF) and a unit in U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const [left, right] = [a.charCodeAt(index), b.charCodeAt(index)];
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** String.prototype.isWellFormed (Node 20; not in this project's TypeScript lib yet). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The frozen record a row shows, shared with every device showing the same row (shown-pool.ts). */
function shown(row: Row): LocalRecord {
  return pooledShown(
    row.collection as string,
    row.id as string,
    row.fields as string,
    row.status as RecordStatus,
    (row.rev as number | null) ?? null,
  );
}

interface Statements {
  all: Database.Statement;
  some: Database.Statement;
}

export class ShownCache {
  /** Per collection, the records shown, in SQLite's `ORDER BY id`. */
  private readonly lists = new Map<string, LocalRecord[]>();
  /**
   * Per cached collection, ids written since its list was last brought up to date, each with
   * the row as written when that write is known committed (undefined: read it again).
   */
  private readonly touched = new Map<string, Map<string, Written | undefined>>();
  /**
   * Rows written inside the store's outermost open transaction, per touched map and id (the
   * last write of each): they count once it commits.
   */
  private pending = new Map<Map<string, Written | undefined>, Map<string, Written>>();
  private statements: Statements | undefined;
  private readonly foreign: ForeignWrites;

  /** `ownChanges`: rows the store's write statements have changed, in all. */
  constructor(
    private readonly db: Database.Database,
    ownChanges: () => number,
  ) {
    this.foreign = new ForeignWrites(db, ownChanges);
  }

  /**
   * The store wrote (`row`) or deleted (no `row`) the record row `collection`/`id`; `inOwn`:
   * inside the store's outermost transaction (its rows count once it commits). A row written
   * in any other open transaction is read again, as is every row of a transaction that threw.
   */
  touch(collection: string, id: string, row?: Written, inOwn = false): void {
    const ids = this.touched.get(collection);
    if (ids === undefined) return;
    if (!isWellFormed(id)) {
      // A lone surrogate does not survive SQLite's UTF-8: such a list is read whole again.
      this.lists.delete(collection);
      this.touched.delete(collection);
      return;
    }
    ids.set(id, undefined);
    this.pending.get(ids)?.delete(id);
    if (row === undefined) return;
    if (!this.db.inTransaction) ids.set(id, row);
    else if (inOwn) {
      const rows = this.pending.get(ids) ?? new Map<string, Written>();
      this.pending.set(ids, rows.set(id, row));
    }
  }

  /** The store's outermost transaction committed (true) or rolled back (false). */
  settled(committed: boolean): void {
    if (committed) for (const [ids, rows] of this.pending) for (const [id, row] of rows) ids.set(id, row);
    this.pending = new Map();
  }

  /** Live records of `collection`, ordered by id, as `SELECT ... ORDER BY id` would give them. */
  list(collection: string): LocalRecord[] {
    // Inside an open transaction the rows may yet roll back: read them, keep nothing.
    if (this.db.inTransaction) return (this.prepared().all.all(collection) as Row[]).map(shown);
    if (!this.foreign.onlyOwnSinceLastLook()) {
      this.lists.clear();
      this.touched.clear();
    }
    const cached = this.lists.get(collection);
    const ids = this.touched.get(collection);
    let records: LocalRecord[];
    if (cached === undefined || ids === undefined) {
      records = (this.prepared().all.all(collection) as Row[]).map(shown);
    } else if (ids.size === 0) {
      return cached.slice();
    } else {
      records = this.refreshed(collection, cached, ids);
    }
    this.lists.set(collection, records);
    this.touched.set(collection, new Map());
    return records.slice();
  }

  /** `cached` with the rows of `ids` as written, or read again (changed, added or gone), in order. */
  private refreshed(
    collection: string,
    cached: readonly LocalRecord[],
    ids: ReadonlyMap<string, Written | undefined>,
  ): LocalRecord[] {
    const now = new Map<string, LocalRecord | null>();
    const unknown: string[] = [];
    for (const [id, row] of ids) {
      if (row === undefined) unknown.push(id);
      else
        now.set(id, row.deleted ? null : pooledShown(collection, id, row.fields, row.status as RecordStatus, row.rev));
    }
    if (unknown.length > 0) {
      for (const id of unknown) now.set(id, null);
      // One statement for all of them.
      for (const row of this.prepared().some.all(collection, JSON.stringify(unknown)) as Row[])
        now.set(row.id as string, shown(row));
    }
    const out: LocalRecord[] = [];
    let next = 0;
    const fresh = [...now.keys()].sort(compareUtf8);
    for (const record of cached) {
      if (now.has(record.id)) continue;
      for (; next < fresh.length && compareUtf8(fresh[next] as string, record.id) < 0; next++) {
        const added = now.get(fresh[next] as string);
        if (added) out.push(added);
      }
      out.push(record);
    }
    for (; next < fresh.length; next++) {
      const added = now.get(fresh[next] as string);
      if (added) out.push(added);
    }
    return out;
  }

  private prepared(): Statements {
    this.statements ??= {
      all: this.db.prepare(`SELECT ${COLUMNS} FROM records WHERE collection = ? AND deleted = 0 ORDER BY id`),
      some: this.db.prepare(
        `SELECT ${COLUMNS} FROM records WHERE collection = ? AND deleted = 0 AND id IN (SELECT value FROM json_each(?))`,
      ),
    };
    return this.statements;
  }
}
