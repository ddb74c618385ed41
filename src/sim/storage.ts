/**
 * @module sim/storage
 * A device's SQLite storage for one incarnation: every better-sqlite3 handle the client
 * opens is tracked, so that a kill can close them all. Closing a handle with an open
 * transaction rolls it back, which is exactly what an app kill does; committed
 * transactions survive. Two modes, same semantics:
 * - `file`: files under `<storageDir>/<deviceId>/` (WAL, synchronous=NORMAL), one per
 *   database name, outliving incarnations;
 * - `memory` (the simulator's default): in-memory databases; a kill rolls back any open
 *   transaction, then serializes each database into the device's vault, and the next
 *   incarnation opens it from there. An app kill (not a power loss) keeps exactly the
 *   committed transactions either way, and memory is ~100x cheaper per open and commit,
 *   which is what makes thousands of seeds with kills affordable.
 * A further instance of the app on the same device (docs/adapter-guide.md) opens the same
 * files with connections of its own in file mode; in memory mode it shares the first
 * instance's connection behind a guard that dies with it (sim/shared-handle).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ClientStorage } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import { guardHandle } from './shared-handle.ts';

/** Bound on databases one incarnation may open; a client that opens one per call leaks. */
export const HANDLES_PER_INCARNATION_MAX = 64;

/** A database name: letters, digits, `-` and `_`, so it maps to one file in the device folder. */
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type StorageMode = 'memory' | 'file';

/** What a device's databases hold between incarnations, in memory mode. */
export type StorageVault = Map<string, Buffer>;

export class DeviceStorage implements ClientStorage {
  private readonly handles: { name: string; db: Database.Database; shared?: boolean }[] = [];

  constructor(
    readonly directory: string,
    private readonly owner: Incarnation,
    private readonly mode: StorageMode = 'file',
    private readonly vault: StorageVault = new Map(),
    /** For a further instance: the storage of the device's first instance, whose databases it shares. */
    private readonly share?: DeviceStorage,
  ) {}

  /** Removes a device's folder (before its first start, so a run never sees an older run's files). */
  static wipe(directory: string): void {
    rmSync(directory, { recursive: true, force: true });
  }

  open(name: string): Database.Database {
    assert(
      this.owner.alive,
      `storage.open('${name}') called by killed incarnation ${this.owner.number} of ${this.owner.deviceId}`,
    );
    assert(DATABASE_NAME.test(name), `storage.open('${name}'): a name is 1-64 letters, digits, '-' or '_'`);
    assert(
      this.handles.length < HANDLES_PER_INCARNATION_MAX,
      `device ${this.owner.deviceId} opened ${HANDLES_PER_INCARNATION_MAX} databases`,
    );
    if (this.mode === 'memory' && this.share !== undefined) {
      const db = guardHandle(this.share.handle(name) ?? this.share.open(name), this.owner);
      this.handles.push({ name, db, shared: true });
      return db;
    }
    if (this.mode === 'memory') {
      assert(
        !this.handles.some((handle) => handle.name === name),
        `storage.open('${name}') twice in memory mode: share the handle`,
      );
      const saved = this.vault.get(name);
      const db = saved === undefined ? new Database(':memory:') : new Database(saved);
      this.handles.push({ name, db });
      return db;
    }
    mkdirSync(this.directory, { recursive: true });
    const db = new Database(join(this.directory, `${name}.sqlite`));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    this.handles.push({ name, db });
    return db;
  }

  /** The open handle of database `name` (in memory mode, the one connection instances share). */
  handle(name: string): Database.Database | undefined {
    return this.handles.find((handle) => handle.name === name && !handle.shared && handle.db.open)?.db;
  }

  /** Handles opened and not yet closed. */
  get openHandles(): number {
    return this.handles.filter((handle) => handle.db.open).length;
  }

  /**
   * Closes every handle (open transactions roll back). Returns how many were open.
   * `keep: false` (the end of a run: no incarnation follows) closes without saving the
   * databases into the vault; serializing every device's database there was ~3.6 % of a
   * 1,000-device run.
   */
  closeAll(keep = true): number {
    let closed = 0;
    for (const { name, db, shared } of this.handles) {
      if (shared) {
        // The connection belongs to the first instance: only what this instance left open rolls back.
        const raw = this.share?.handle(name);
        if (raw?.inTransaction) raw.exec('ROLLBACK');
        closed++;
        continue;
      }
      if (!db.open) continue;
      if (this.mode === 'memory') {
        // What a kill leaves: committed transactions only.
        if (db.inTransaction) db.exec('ROLLBACK');
        if (keep) this.vault.set(name, db.serialize());
      }
      db.close();
      closed++;
    }
    this.handles.length = 0;
    return closed;
  }
}
