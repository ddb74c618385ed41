/**
 * @module client/kit/key-value-storage
 * A localStorage for engines that persist through the Web Storage API (RxDB's localstorage
 * storage, many small sync libraries): `getItem`/`setItem`/`removeItem`/`key`/`length`/`clear`
 * over one SQLite table of a database opened through `env.storage`. Every call is one
 * synchronous autocommit statement, so what a call wrote survives a kill and a kill never
 * leaves half a value. After a kill the handle is closed and nothing written after it is
 * kept: every call throws, or, with `whenClosed: 'drop'`, reads find nothing and writes
 * are dropped (for engines whose `close()` still writes, such as RxDB's localstorage
 * storage, so that closing a dead incarnation's database completes).
 *
 * @example
 * ```ts
 * const localStorage = new KeyValueStorage(env.storage.open('local-storage'));
 * getRxStorageLocalstorage({ localStorage });
 * ```
 */
import type Database from 'better-sqlite3';

/** The Web Storage API, without the index signature (`storage.foo` is not supported: use getItem). */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
}

/** Bound on items, as browsers bound localStorage (theirs is ~5 MB). */
export const KEY_VALUE_ITEMS_MAX = 1_000_000;

export interface KeyValueStorageOptions {
  /** SQLite table; default `kit_key_value`. */
  table?: string;
  /** What calls do once the handle is closed (the device was killed): throw (default) or find nothing and drop writes. */
  whenClosed?: 'throw' | 'drop';
}

export class KeyValueStorage implements StorageLike {
  private readonly selectValue: Database.Statement<[string], { value: string }>;
  private readonly upsert: Database.Statement<[string, string]>;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly deleteAll: Database.Statement<[]>;
  private readonly countAll: Database.Statement<[], { n: number }>;
  private readonly keyAt: Database.Statement<[number], { key: string }>;

  private readonly dropWhenClosed: boolean;

  constructor(
    private readonly db: Database.Database,
    options: KeyValueStorageOptions = {},
  ) {
    const table = options.table ?? 'kit_key_value';
    this.dropWhenClosed = options.whenClosed === 'drop';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
      throw new Error(`[syncstorm] KeyValueStorage: bad table name '${table}'`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`);
    this.selectValue = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    this.deleteOne = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.deleteAll = db.prepare(`DELETE FROM ${table}`);
    this.countAll = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`);
    this.keyAt = db.prepare(`SELECT key FROM ${table} ORDER BY key LIMIT 1 OFFSET ?`);
  }

  /** True when calls must find nothing and drop writes: the handle is closed and the caller chose 'drop'. */
  private dead(): boolean {
    return this.dropWhenClosed && !this.db.open;
  }

  get length(): number {
    if (this.dead()) return 0;
    return this.countAll.get()?.n ?? 0;
  }

  /** The `index`-th key in code-unit order (the Web Storage API leaves the order to the implementation). */
  key(index: number): string | null {
    if (!Number.isInteger(index) || index < 0 || this.dead()) return null;
    return this.keyAt.get(index)?.key ?? null;
  }

  getItem(key: string): string | null {
    if (this.dead()) return null;
    return this.selectValue.get(String(key))?.value ?? null;
  }

  setItem(key: string, value: string): void {
    if (this.dead()) return;
    const name = String(key);
    if (this.selectValue.get(name) === undefined && this.length >= KEY_VALUE_ITEMS_MAX) {
      throw new DOMException(`storage holds ${KEY_VALUE_ITEMS_MAX} items`, 'QuotaExceededError');
    }
    this.upsert.run(name, String(value));
  }

  removeItem(key: string): void {
    if (this.dead()) return;
    this.deleteOne.run(String(key));
  }

  clear(): void {
    if (this.dead()) return;
    this.deleteAll.run();
  }
}
