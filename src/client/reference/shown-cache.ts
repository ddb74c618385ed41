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
 * (`touch`) and how many rows each of its write statements changed (`wrote`). Before every
 * read the cache compares, with SQLite:
 * - `PRAGMA data_version`, which moves when another connection commits (a second instance of
 *   the app on the same files);
 * - `total_changes()`, the rows changed through this connection, with the rows the store
 *   says it changed: any difference is a writer the store did not see (a second instance
 *   sharing the connection, SQL run by a hook);
 * and on any difference forgets everything and reads whole lists again. A transaction rolled
 * back leaves touched records that did not change: re-reading them costs a little and is
 * right. A kill closes the connection and the store with it; a restart starts empty.
 */
import type Database from 'better-sqlite3';
import { deepFreeze } from '../../kernel/frozen.ts';
import type { Fields, LocalRecord, RecordStatus } from '../contract.ts';

type Row = Record<string, unknown>;

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

function shown(row: Row): LocalRecord {
  return deepFreeze({
    id: row.id as string,
    collection: row.collection as string,
    fields: JSON.parse(row.fields as string) as Fields,
    status: row.status as RecordStatus,
    rev: (row.rev as number | null) ?? null,
  });
}

interface Statements {
  all: Database.Statement;
  some: Database.Statement;
  dataVersion: Database.Statement;
  totalChanges: Database.Statement;
}

export class ShownCache {
  /** Per collection, the records shown, in SQLite's `ORDER BY id`. */
  private readonly lists = new Map<string, LocalRecord[]>();
  /** Per cached collection, ids written since its list was last brought up to date. */
  private readonly touched = new Map<string, Set<string>>();
  private statements: Statements | undefined;
  /** Rows the store's write statements changed, in all. */
  private ownChanges = 0;
  /** `data_version`, `total_changes()` and `ownChanges` at the last check. */
  private checked: { dataVersion: number; totalChanges: number; ownChanges: number } | undefined;

  constructor(private readonly db: Database.Database) {}

  /** A write statement of the store changed `changes` rows. */
  wrote(changes: number): void {
    this.ownChanges += changes;
  }

  /** The store wrote or deleted the record row `collection`/`id`. */
  touch(collection: string, id: string): void {
    const ids = this.touched.get(collection);
    if (ids === undefined) return;
    if (isWellFormed(id)) ids.add(id);
    else {
      // A lone surrogate does not survive SQLite's UTF-8: such a list is read whole again.
      this.lists.delete(collection);
      this.touched.delete(collection);
    }
  }

  /** Live records of `collection`, ordered by id, as `SELECT ... ORDER BY id` would give them. */
  list(collection: string): LocalRecord[] {
    if (!this.nothingElseWrote()) {
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
    this.touched.set(collection, new Set());
    return records.slice();
  }

  /** `cached` with the rows of `ids` read again (changed, added or gone), in order. */
  private refreshed(collection: string, cached: readonly LocalRecord[], ids: ReadonlySet<string>): LocalRecord[] {
    // One statement for all of them (ordered by id, as the whole list is).
    const rows = this.prepared().some.all(collection, JSON.stringify([...ids])) as Row[];
    const out: LocalRecord[] = [];
    let next = 0;
    for (const record of cached) {
      if (ids.has(record.id)) continue;
      while (next < rows.length && compareUtf8((rows[next] as Row).id as string, record.id) < 0)
        out.push(shown(rows[next++] as Row));
      out.push(record);
    }
    while (next < rows.length) out.push(shown(rows[next++] as Row));
    return out;
  }

  /** True when, since the last check, only the store's own writes changed the database. */
  private nothingElseWrote(): boolean {
    const statements = this.prepared();
    const dataVersion = statements.dataVersion.get() as number;
    const totalChanges = statements.totalChanges.get() as number;
    const before = this.checked;
    this.checked = { dataVersion, totalChanges, ownChanges: this.ownChanges };
    return (
      before !== undefined &&
      before.dataVersion === dataVersion &&
      totalChanges - before.totalChanges === this.ownChanges - before.ownChanges
    );
  }

  private prepared(): Statements {
    this.statements ??= {
      all: this.db.prepare(`SELECT ${COLUMNS} FROM records WHERE collection = ? AND deleted = 0 ORDER BY id`),
      some: this.db.prepare(
        `SELECT ${COLUMNS} FROM records WHERE collection = ? AND deleted = 0 AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      ),
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
      totalChanges: this.db.prepare('SELECT total_changes()').pluck(),
    };
    return this.statements;
  }
}
