/**
 * @module server/sorted-index
 * An array kept sorted by a total order, with binary search. The store keeps two of them
 * beside its Map (by change sequence and by (updatedAtServer, collection, id)), so a page is
 * a binary search plus a slice, never a scan. Insertions are usually appends (new changes
 * sort last); the splice of a removal is a memmove, cheap at the sizes a simulation reaches.
 */
import { assert } from '../kernel/assert.ts';

export type Compare<T> = (a: T, b: T) => number;

/** Items of type `T`, ordered and searched by their key `K` (a probe need only be a `K`). */
export class SortedIndex<T extends K, K = T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: Compare<K>) {}

  get size(): number {
    return this.items.length;
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  /** Index of the first item that sorts strictly after `probe`. */
  upperBound(probe: K): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.items[middle] as K, probe) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first item that does not sort before `probe`. */
  lowerBound(probe: K): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.items[middle] as K, probe) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(item: T): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || this.compare(last, item) < 0) {
      this.items.push(item);
      return;
    }
    const index = this.lowerBound(item);
    assert(index === this.items.length || this.compare(this.items[index] as T, item) !== 0, 'SortedIndex: duplicate');
    this.items.splice(index, 0, item);
  }

  /** Removes the item equal (by the order) to `item`; it must be present. */
  remove(item: K): void {
    const index = this.lowerBound(item);
    assert(
      index < this.items.length && this.compare(this.items[index] as T, item) === 0,
      'SortedIndex.remove: item not present',
    );
    this.items.splice(index, 1);
  }

  /** Up to `count` items from `start`, in order. */
  slice(start: number, count: number): T[] {
    return this.items.slice(start, start + count);
  }
}
