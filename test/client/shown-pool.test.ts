// Goal: devices that show the same row share one frozen record (client/reference/shown-pool),
// and never share one for rows that differ in any part, however the parts are cut.
// Method: two stores on two databases list the same rows; pooledShown on parts that would
// collide if simply concatenated; a pool filled past its bound starts again.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { emptyRecord } from '../../src/client/reference/records.ts';
import { pooledShown, SHOWN_POOL_MAX } from '../../src/client/reference/shown-pool.ts';
import { Store } from '../../src/client/reference/store.ts';

function put(store: Store, id: string, n: number, rev: number): void {
  store.putRecord({ ...emptyRecord('notes', id), fields: { n, tags: ['a'] }, rev, baseFields: { n, tags: ['a'] } });
}

describe('the shown pool', () => {
  test('two devices showing the same row get one frozen object; a new rev or value is another', () => {
    const [one, two] = [new Store(new Database(':memory:')), new Store(new Database(':memory:'))];
    put(one, 'a', 1, 1);
    put(two, 'a', 1, 1);
    put(two, 'b', 2, 1);
    const [first, second] = [one.shownRecords('notes'), two.shownRecords('notes')];
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0]) && Object.isFrozen(first[0]?.fields.tags)).toBe(true);
    put(one, 'a', 1, 2);
    const bumped = one.shownRecords('notes')[0];
    expect(bumped).not.toBe(first[0]);
    expect(bumped).toEqual({ id: 'a', collection: 'notes', fields: { n: 1, tags: ['a'] }, status: 'synced', rev: 2 });
    put(two, 'a', 3, 1);
    expect(two.shownRecords('notes')[0]?.fields.n).toBe(3);
    expect(first[0]?.fields.n).toBe(1);
  });

  test('parts that concatenate alike stay apart', () => {
    const a = pooledShown('ab', 'c', '{}', 'synced', 1);
    const b = pooledShown('a', 'bc', '{}', 'synced', 1);
    const c = pooledShown('a', 'bc', '{}', 'synced', 11);
    const d = pooledShown('a', 'bc', '{}', 'pending', 1);
    const e = pooledShown('a', 'bc', '{"x":1}', 'synced', 1);
    const f = pooledShown('a', 'bc', '{}', 'synced', null);
    expect(new Set([a, b, c, d, e, f]).size).toBe(6);
    expect([a.collection, a.id, b.collection, b.id, c.rev, d.status, f.rev]).toEqual([
      'ab',
      'c',
      'a',
      'bc',
      11,
      'pending',
      null,
    ]);
    expect(pooledShown('a', 'bc', '{}', 'synced', 1)).toBe(b);
  });

  test('a full pool starts again: the same values, new objects', () => {
    const first = pooledShown('pool', 'first', '{"n":0}', 'synced', 1);
    for (let index = 0; index < SHOWN_POOL_MAX; index++) pooledShown('pool', `r${index}`, '{}', 'synced', 1);
    const again = pooledShown('pool', 'first', '{"n":0}', 'synced', 1);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
