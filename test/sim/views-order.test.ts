/**
 * Goal: a view's records come out in `collection + id` order, stably, whether or not the
 * lists arrived in that order (sim/views skips the sort when they did).
 * Method: compare sortedRecords with the plain stable sort by key on seeded lists: sorted,
 * shuffled, with duplicates, several collections whose names are prefixes of each other,
 * ids around the surrogate range and non-string ids.
 */
import { describe, expect, test } from 'vitest';
import type { LocalRecord } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { sortedRecords } from '../../src/sim/views.ts';

function plainSorted(records: LocalRecord[]): LocalRecord[] {
  const keyed = records.map((record) => ({ key: record.collection + record.id, record }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.record);
}

const COLLECTIONS = ['notes', 'note', 'n', 'tasks'];
const IDS = ['a', 'b', 'sa', 'a\uffff', '\ud83d\ude00', 'x1', 'x10', 'x2', ''];

function record(rng: Rng, n: number): LocalRecord {
  const id = rng.chance(0.05) ? (n as unknown as string) : (IDS[rng.int(0, IDS.length - 1)] as string);
  return {
    collection: COLLECTIONS[rng.int(0, COLLECTIONS.length - 1)] as string,
    id,
    fields: { n },
    status: 'synced',
    rev: 1,
  };
}

describe('view order', () => {
  test('the same records in the same order as a stable sort by collection + id', () => {
    const rng = new Rng('views-order');
    for (let round = 0; round < 500; round++) {
      const records = Array.from({ length: rng.int(0, 12) }, (_, n) => record(rng, n));
      const sorted = plainSorted(records);
      expect(sortedRecords([...records])).toEqual(sorted);
      // Already in order (the common case): returned as they are, same objects, same order.
      const again = sortedRecords([...sorted]);
      expect(again.every((item, index) => item === sorted[index])).toBe(true);
    }
  });
});
