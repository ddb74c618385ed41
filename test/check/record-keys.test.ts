/**
 * Goal: keyOf, the key of a record object made once per object, is recordKey of its
 * collection and id, for every object, however often and in whatever order it is asked.
 * Method: a seeded mix of frozen records (ids with '/' and odd characters, records sharing
 * an id in other collections), each asked several times in a drawn order.
 */
import { describe, expect, it } from 'vitest';
import { keyOf } from '../../src/check/record-keys.ts';
import { recordKey } from '../../src/check/values.ts';
import { Rng } from '../../src/kernel/rng.ts';

describe('keyOf', () => {
  it('is recordKey of the object, for drawn records asked in drawn order', () => {
    const rng = new Rng('record-keys');
    const ids = ['a', 'a/b', '', 'x y', 'ü', '1'];
    const collections = ['todos', 'notes', 'to/dos'];
    const records = Array.from({ length: 40 }, () =>
      Object.freeze({ collection: collections[rng.int(0, 2)]!, id: ids[rng.int(0, 5)]!, fields: {} }),
    );
    for (let ask = 0; ask < 400; ask++) {
      const record = records[rng.int(0, records.length - 1)]!;
      expect(keyOf(record)).toBe(recordKey(record.collection, record.id));
    }
  });
});
