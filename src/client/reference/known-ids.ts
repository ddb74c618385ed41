/**
 * @module client/reference/known-ids
 * Per collection, the ids that may have a row in `records`: every id the table held when the
 * collection was first asked about, and every id the store has written since (a superset:
 * an id stays after a delete or a rollback, when reading its row finds none). Applying a
 * pulled page reads from SQLite only the rows of ids found here (page-reads.ts). At 1,000
 * devices nearly every pulled record is new to the device: looking each one up in SQLite
 * found nothing, and was most of what reading a page cost.
 *
 * The ids are trusted only while the store alone wrote to the database (foreign-writes.ts);
 * after any other writer they are read again.
 */
import type Database from 'better-sqlite3';
import { ForeignWrites } from './foreign-writes.ts';

export class KnownIds {
  private readonly ids = new Map<string, Set<string>>();
  private readonly foreign: ForeignWrites;
  private idsOf: Database.Statement | undefined;

  /** `ownChanges`: rows the store's write statements have changed, in all. */
  constructor(
    private readonly db: Database.Database,
    ownChanges: () => number,
  ) {
    this.foreign = new ForeignWrites(db, ownChanges);
  }

  /** The store wrote the row `collection`/`id`: it may exist from now on. */
  wrote(collection: string, id: string): void {
    this.ids.get(collection)?.add(id);
  }

  /** The ids among `ids` that may have a row in `collection` (the others have none). */
  mayExist(collection: string, ids: Iterable<string>): string[] {
    if (!this.foreign.onlyOwnSinceLastLook()) this.ids.clear();
    let known = this.ids.get(collection);
    if (known === undefined) {
      this.idsOf ??= this.db.prepare('SELECT id FROM records WHERE collection = ?').pluck();
      known = new Set(this.idsOf.all(collection) as string[]);
      this.ids.set(collection, known);
    }
    const found: string[] = [];
    for (const id of ids) if (known.has(id)) found.push(id);
    return found;
  }
}
