// Goal: reading a page's rows by key (short id lists) and in one statement (long ones) give
// the same rows, each as `record` reads it. Method: a table of drawn rows (ids with quotes,
// non-ASCII, another collection holding the same ids); lists of every length around
// RECORDS_IN_BY_ID, drawn from present and absent ids; compare by id with record().
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { emptyRecord } from '../../src/client/reference/records.ts';
import type { RecordRow } from '../../src/client/reference/schema.ts';
import { RECORDS_IN_BY_ID, Store } from '../../src/client/reference/store.ts';

function byId(rows: RecordRow[]): Map<string, RecordRow> {
  return new Map(rows.map((row) => [row.id, row]));
}

describe('the reference store reads rows of an id list', () => {
  test('short and long lists give the rows record() gives', () => {
    const store = new Store(new Database(':memory:'));
    const present = Array.from({ length: 80 }, (_, index) => `r${index}${index % 7 === 0 ? '"é' : ''}`);
    for (const [index, id] of present.entries()) {
      store.putRecord({ ...emptyRecord('notes', id), fields: { n: index }, rev: index, baseFields: { n: index } });
      if (index % 2 === 0) store.putRecord({ ...emptyRecord('tasks', id), fields: { other: true } });
    }
    const absent = Array.from({ length: 40 }, (_, index) => `gone${index}`);
    let state = 5;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    let [short, long] = [0, 0];
    for (let length = 0; length <= RECORDS_IN_BY_ID * 3; length++) {
      const ids = [
        ...new Set(Array.from({ length }, () => (next() < 0.7 ? present : absent)[Math.floor(next() * 40)] as string)),
      ];
      if (ids.length > RECORDS_IN_BY_ID) long++;
      else short++;
      const got = byId(store.recordsIn('notes', ids));
      const expected = byId(ids.map((id) => store.record('notes', id)).filter((row) => row !== undefined));
      expect(got).toEqual(expected);
      for (const row of got.values()) expect(row.collection).toBe('notes');
    }
    expect(short).toBeGreaterThan(10);
    expect(long).toBeGreaterThan(10);
  });
});
