/**
 * @module client/reference/known-ids
 * Per collection, the ids that may have a row in `records`: every id the table held when the
 * collection was first asked about, and every id the store has written since (a superset:
 * an id stays after a delete or a rollback, when reading its row finds none). Applying a
 * pulled page reads from SQLite only the rows of ids found here (page-reads.ts). At 1,000
 * devices nearly every pulled record is new to the device: looking each one up in SQLite
 * found nothing, and was most of what reading a page cost.
 *
 * The ids are trusted only while the store alone wrote to the database, checked as the shown
 * cache checks it (`PRAGMA data_version` for other connections, `total_changes()` against
 * the rows the store's own statements changed); on any difference they are read again.
 */
import type Database from 'better-sqlite3';

export class KnownIds {
  private readonly ids = new Map<string, Set<string>>();
  /** `data_version`, `total_changes()` and the store's own changes at the last check. */
  private checked: { dataVersion: number; totalChanges: number; ownChanges: number } | undefined;
  private statements:
    | { ids: Database.Statement; dataVersion: Database.Statement; totalChanges: Database.Statement }
    | undefined;

  /** `ownChanges`: rows the store's write statements have changed, in all. */
  constructor(
    private readonly db: Database.Database,
    private readonly ownChanges: () => number,
  ) {}

  /** The store wrote the row `collection`/`id`: it may exist from now on. */
  wrote(collection: string, id: string): void {
    this.ids.get(collection)?.add(id);
  }

  /** The ids among `ids` that may have a row in `collection` (the others have none). */
  mayExist(collection: string, ids: Iterable<string>): string[] {
    if (!this.nothingElseWrote()) this.ids.clear();
    let known = this.ids.get(collection);
    if (known === undefined) {
      known = new Set(this.prepared().ids.all(collection) as string[]);
      this.ids.set(collection, known);
    }
    const found: string[] = [];
    for (const id of ids) if (known.has(id)) found.push(id);
    return found;
  }

  /** True when, since the last check, only the store's own writes changed the database. */
  private nothingElseWrote(): boolean {
    const statements = this.prepared();
    const dataVersion = statements.dataVersion.get() as number;
    const totalChanges = statements.totalChanges.get() as number;
    const ownChanges = this.ownChanges();
    const before = this.checked;
    this.checked = { dataVersion, totalChanges, ownChanges };
    return (
      before !== undefined &&
      before.dataVersion === dataVersion &&
      totalChanges - before.totalChanges === ownChanges - before.ownChanges
    );
  }

  private prepared() {
    this.statements ??= {
      ids: this.db.prepare('SELECT id FROM records WHERE collection = ?').pluck(),
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
      totalChanges: this.db.prepare('SELECT total_changes()').pluck(),
    };
    return this.statements;
  }
}
