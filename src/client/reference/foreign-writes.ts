/**
 * @module client/reference/foreign-writes
 * Whether anything but the store wrote to its database since the last look: what the store's
 * caches (shown-cache.ts, known-ids.ts) ask before they trust what they hold. Compared with
 * SQLite at each look:
 * - `PRAGMA data_version`, which moves when another connection commits (a second instance of
 *   the app on the same files);
 * - `total_changes()`, the rows changed through this connection, with the rows the store's
 *   own write statements changed: any difference is a writer the store did not see (a second
 *   instance sharing the connection, SQL run by a hook).
 * Each cache keeps a watch of its own: a look answers for the time since that watch's last.
 */
import type Database from 'better-sqlite3';

export class ForeignWrites {
  /** `data_version`, `total_changes()` and the store's own changes at the last look. */
  private checked: { dataVersion: number; totalChanges: number; ownChanges: number } | undefined;
  private statements: { dataVersion: Database.Statement; totalChanges: Database.Statement } | undefined;

  /** `ownChanges`: rows the store's write statements have changed, in all. */
  constructor(
    private readonly db: Database.Database,
    private readonly ownChanges: () => number,
  ) {}

  /** True when, since the last look, only the store's own writes changed the database (false at the first). */
  onlyOwnSinceLastLook(): boolean {
    this.statements ??= {
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
      totalChanges: this.db.prepare('SELECT total_changes()').pluck(),
    };
    const dataVersion = this.statements.dataVersion.get() as number;
    const totalChanges = this.statements.totalChanges.get() as number;
    const ownChanges = this.ownChanges();
    const before = this.checked;
    this.checked = { dataVersion, totalChanges, ownChanges };
    return (
      before !== undefined &&
      before.dataVersion === dataVersion &&
      totalChanges - before.totalChanges === ownChanges - before.ownChanges
    );
  }
}
