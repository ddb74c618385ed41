// Goal: ids are deterministic functions of the seed (and virtual time for v7) and valid
// UUIDs. Method: generate from equal and different seeds; check version and variant bits.
import { validate, version } from 'uuid';
import { describe, expect, test } from 'vitest';
import { uuidV4, uuidV7 } from '../../src/kernel/ids.ts';
import { Rng } from '../../src/kernel/rng.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV4', () => {
  test('the same seed gives the same ids, another seed other ids', () => {
    const a = new Rng('ids');
    const b = new Rng('ids');
    const first = Array.from({ length: 5 }, () => uuidV4(a));
    expect(Array.from({ length: 5 }, () => uuidV4(b))).toEqual(first);
    expect(uuidV4(new Rng('other'))).not.toBe(first[0]);
    expect(new Set(first).size).toBe(5);
  });

  test('every id is a valid version 4 UUID with the RFC variant', () => {
    const rng = new Rng('valid');
    for (let i = 0; i < 500; i++) {
      const id = uuidV4(rng);
      expect(id).toMatch(V4);
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(4);
    }
  });
});

describe('uuidV7', () => {
  test('is deterministic, version 7, and sorts by virtual time', () => {
    const early = uuidV7(new Rng('v7'), 1_000, 1);
    expect(uuidV7(new Rng('v7'), 1_000, 1)).toBe(early);
    expect(version(early)).toBe(7);
    const late = uuidV7(new Rng('v7'), 2_000, 0);
    expect(late > early).toBe(true);
  });
});
