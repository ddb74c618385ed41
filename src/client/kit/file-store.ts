/**
 * @module client/kit/file-store
 * A small file-like store for engines that persist by writing whole files (LokiJS's
 * persistence adapters, JSON dumps): `read`/`write`/`remove`/`list` of named text files,
 * kept in one SQLite table of a database opened through `env.storage`. A `write` replaces
 * the whole file in one statement, as an atomic rename would: after a kill a file holds
 * either its old or its new content, never a mix. After a kill every call throws.
 *
 * @example
 * ```ts
 * const files = new FileStore(env.storage.open('files'));
 * files.write('app.db', serialized);
 * const text = files.read('app.db'); // undefined when absent
 * ```
 */
import type Database from 'better-sqlite3';

/** Bound on one file's size, in UTF-16 code units. */
export const FILE_LENGTH_MAX = 256 * 1024 * 1024;

export class FileStore {
  private readonly selectOne: Database.Statement<[string], { content: string }>;
  private readonly upsert: Database.Statement<[string, string]>;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly selectNames: Database.Statement<[{ prefix: string }], { name: string }>;

  constructor(db: Database.Database, table = 'kit_files') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`[syncstorm] FileStore: bad table name '${table}'`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, content TEXT NOT NULL) WITHOUT ROWID`);
    this.selectOne = db.prepare(`SELECT content FROM ${table} WHERE name = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (name, content) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET content = excluded.content`,
    );
    this.deleteOne = db.prepare(`DELETE FROM ${table} WHERE name = ?`);
    this.selectNames = db.prepare(
      `SELECT name FROM ${table} WHERE substr(name, 1, length(:prefix)) = :prefix ORDER BY name`,
    );
  }

  /** The file's content, or undefined when there is no such file. */
  read(name: string): string | undefined {
    return this.selectOne.get(name)?.content;
  }

  /** Creates or replaces the file, atomically. */
  write(name: string, content: string): void {
    if (name.length === 0) throw new Error('[syncstorm] FileStore.write: empty file name');
    if (content.length > FILE_LENGTH_MAX) {
      throw new Error(`[syncstorm] FileStore.write: '${name}' is longer than ${FILE_LENGTH_MAX} characters`);
    }
    this.upsert.run(name, content);
  }

  /** Removes the file; returns whether it existed. */
  remove(name: string): boolean {
    return this.deleteOne.run(name).changes > 0;
  }

  exists(name: string): boolean {
    return this.read(name) !== undefined;
  }

  /** File names starting with `prefix`, sorted. */
  list(prefix = ''): string[] {
    return this.selectNames.all({ prefix }).map((row) => row.name);
  }
}
