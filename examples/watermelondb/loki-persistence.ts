/**
 * @module examples/watermelondb/loki-persistence
 * A LokiJS persistence adapter over the kit's `FileStore` (whole files in one SQLite table
 * of `env.storage`), so the LokiJS database survives kills exactly as far as Loki saved it:
 * Loki saves the whole database on its own autosave timer (every 500 ms, a `setInterval`),
 * and a kill loses what was written since the last save, as on a real device.
 */
import type { FileStore } from '../../src/index.ts';

type Callback = (result?: unknown) => void;

/** The interface LokiJS expects of a persistence adapter (`loadDatabase`, `saveDatabase`, `deleteDatabase`). */
export class FileStoreLokiAdapter {
  constructor(private readonly files: FileStore) {}

  loadDatabase(name: string, callback: Callback): void {
    try {
      callback(this.files.read(name) ?? null);
    } catch (error) {
      callback(error);
    }
  }

  saveDatabase(name: string, serialized: string, callback: Callback): void {
    try {
      this.files.write(name, serialized);
      callback(null);
    } catch (error) {
      callback(error);
    }
  }

  deleteDatabase(name: string, callback: Callback): void {
    try {
      this.files.remove(name);
      callback();
    } catch (error) {
      callback(error);
    }
  }
}
