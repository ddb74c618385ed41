// Goal: the seeded generator is reproducible and its forks are independent streams.
// Method: compare draws across instances, seeds and forks; add a fork and draw from it in
// between, and assert another fork's draws do not move.
import { describe, expect, test } from 'vitest';
import { AssertionError } from '../../src/kernel/assert.ts';
import { Rng } from '../../src/kernel/rng.ts';

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

describe('Rng', () => {
  test('the same seed gives the same draws; another seed gives others', () => {
    expect(draws(new Rng('s1'), 20)).toEqual(draws(new Rng('s1'), 20));
    expect(draws(new Rng('s1'), 20)).not.toEqual(draws(new Rng('s2'), 20));
    expect(draws(new Rng(7), 5)).toEqual(draws(new Rng('7'), 5));
  });

  test('adding a fork and drawing from it does not change another fork', () => {
    const alone = new Rng('seed');
    const deviceA = alone.fork('device/A');
    const expected = draws(deviceA, 50);

    const crowded = new Rng('seed');
    draws(crowded, 13); // the parent drawing does not matter either
    const deviceB = crowded.fork('device/B');
    const deviceA2 = crowded.fork('device/A');
    const interleaved: number[] = [];
    for (let i = 0; i < 50; i++) {
      deviceB.next();
      interleaved.push(deviceA2.next());
    }
    expect(interleaved).toEqual(expected);
  });

  test('forks with different labels differ from each other and from the parent', () => {
    const rng = new Rng('seed');
    const a = draws(rng.fork('a'), 10);
    const b = draws(rng.fork('b'), 10);
    expect(a).not.toEqual(b);
    expect(draws(new Rng('seed'), 10)).not.toEqual(a);
    expect(() => rng.fork('')).toThrow(AssertionError);
  });

  test('int stays within inclusive bounds and reaches both ends', () => {
    const rng = new Rng('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = rng.int(-3, 3);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(-3);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(() => rng.int(2, 1)).toThrow(AssertionError);
    expect(() => rng.int(0.5, 1)).toThrow(AssertionError);
  });

  test('chance(0) and chance(1) draw nothing, so a disabled fault does not shift the stream', () => {
    const plain = new Rng('chance');
    const gated = new Rng('chance');
    expect(gated.chance(0)).toBe(false);
    expect(gated.chance(1)).toBe(true);
    expect(gated.next()).toBe(plain.next());
    expect(() => gated.chance(1.5)).toThrow(AssertionError);
  });

  test('chance(p) hits roughly p of the time', () => {
    const rng = new Rng('rate');
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.3)) hits++;
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
  });

  test('pick, weighted, shuffle and bytes are deterministic and well formed', () => {
    const a = new Rng('misc');
    const b = new Rng('misc');
    expect(a.pick(['x', 'y', 'z'])).toBe(b.pick(['x', 'y', 'z']));
    expect(() => a.pick([])).toThrow(AssertionError);
    const weighted = new Rng('weights');
    for (let i = 0; i < 200; i++) {
      expect(
        weighted.weighted([
          ['never', 0],
          ['always', 1],
        ]),
      ).toBe('always');
    }
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Rng('shuffle').shuffle(items);
    expect(shuffled).toEqual(new Rng('shuffle').shuffle(items));
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const bytes = new Rng('bytes').bytes(64);
    expect(bytes).toHaveLength(64);
    expect([...bytes].every((byte) => byte >= 0 && byte <= 255 && Number.isInteger(byte))).toBe(true);
    expect(new Rng('bytes').bytes(64)).toEqual(bytes);
  });
});
