/**
 * @module examples/rxdb/renamed-storage
 * A view of the localStorage shim in which this incarnation's RxDB database name reads as
 * the install's. Why: RxDB allows one open database per name in a process, and a killed
 * incarnation's database never finishes closing (its close waits on timers that died with
 * the incarnation), so every incarnation opens a database of its own name. RxDB's
 * localstorage storage puts the database name into every key; this view maps it to the
 * install's stable name, so each incarnation finds what the previous one wrote.
 */
import type { StorageLike } from '../../src/index.ts';

export class RenamedStorage implements StorageLike {
  constructor(
    private readonly inner: StorageLike,
    /** The name RxDB uses in this incarnation. */
    private readonly openedAs: string,
    /** The name keys are stored under. */
    private readonly storedAs: string,
  ) {
    if (openedAs.includes(storedAs) || storedAs.includes(openedAs)) {
      throw new Error(`[syncstorm] RenamedStorage: '${openedAs}' and '${storedAs}' must not contain each other`);
    }
  }

  private stored(key: string): string {
    return String(key).split(this.openedAs).join(this.storedAs);
  }

  get length(): number {
    return this.inner.length;
  }

  key(index: number): string | null {
    const key = this.inner.key(index);
    return key === null ? null : key.split(this.storedAs).join(this.openedAs);
  }

  getItem(key: string): string | null {
    return this.inner.getItem(this.stored(key));
  }

  setItem(key: string, value: string): void {
    this.inner.setItem(this.stored(key), value);
  }

  removeItem(key: string): void {
    this.inner.removeItem(this.stored(key));
  }

  clear(): void {
    this.inner.clear();
  }
}
