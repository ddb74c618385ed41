/**
 * @module kernel/rng
 * The one source of randomness in the simulated world: a seeded generator (seedrandom's
 * alea, which passes BigCrush) that forks child streams by a stable label. A child's seed
 * depends only on its parent's seed and the label, never on how many draws were made, so
 * adding a device or a component does not shift the draws of the others.
 */
import seedrandom from 'seedrandom';
import { assert } from './assert.ts';

export class Rng {
  readonly seed: string;
  private readonly generator: seedrandom.PRNG;

  constructor(seed: string | number) {
    this.seed = String(seed);
    this.generator = seedrandom.alea(this.seed);
  }

  /** A child stream named by `label`; the same label always gives the same stream. */
  fork(label: string): Rng {
    assert(label.length > 0, 'Rng.fork(label): label must not be empty');
    return new Rng(`${this.seed}/${label}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.generator();
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max), 'Rng.int: bounds must be integers');
    assert(min <= max, `Rng.int: min ${min} > max ${max}`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. Does not draw when p is 0 or 1, so a disabled fault costs no draw. */
  chance(p: number): boolean {
    assert(p >= 0 && p <= 1, `Rng.chance: probability ${p} outside [0, 1]`);
    if (p === 0) return false;
    if (p === 1) return true;
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'Rng.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Picks by weight; weights must be non-negative with a positive sum. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    assert(total > 0, 'Rng.weighted: weights sum to zero');
    let draw = this.next() * total;
    for (const [item, weight] of entries) {
      draw -= weight;
      if (draw < 0) return item;
    }
    return (entries[entries.length - 1] as readonly [T, number])[0];
  }

  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}
