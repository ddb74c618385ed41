// Goal: the reference client's list cache (client/reference/shown-cache) never shows a stale
// row: not after its own writes, deletes or a rolled-back transaction, not after a second
// instance writes through another connection (file mode) or through the same connection
// (memory mode), nor after SQL the store did not run; and it orders ids as SQLite does.
// Method: compare every list with what a fresh connection reads with ORDER BY id.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { emptyRecord } from '../../src/client/reference/records.ts';
import { compareUtf8 } from '../../src/client/reference/shown-cache.ts';
import { Store } from '../../src/client/reference/store.ts';

function put(store: Store, id: string, n: number, collection = 'notes'): void {
  store.putRecord({ ...emptyRecord(collection, id), fields: { n }, rev: n, baseFields: { n } });
}

/** What a connection that has cached nothing shows for `collection`. */
function fresh(file: string, collection = 'notes'): unknown[] {
  const db = new Database(file);
  try {
    return new Store(db).shownRecords(collection);
  } finally {
    db.close();
  }
}

function fileDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), 'syncstorm-shown-')), 'reference.sqlite');
}

describe('the reference client list cache', () => {
  test('own writes, deletes and a rolled-back transaction show as SQLite holds them', () => {
    const file = fileDatabase();
    const store = new Store(new Database(file));
    put(store, 'b', 1);
    put(store, 'a', 1);
    expect(store.shownRecords('notes').map((record) => record.id)).toEqual(['a', 'b']);
    put(store, 'c', 1);
    put(store, 'a', 2);
    store.deleteRecord('notes', 'b');
    store.putRecord({ ...emptyRecord('notes', 'c'), deleted: true });
    expect(() =>
      store.transaction(() => {
        put(store, 'd', 1);
        put(store, 'a', 3);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    const shown = store.shownRecords('notes');
    expect(shown).toEqual(fresh(file));
    expect(shown.map((record) => [record.id, record.fields.n])).toEqual([['a', 2]]);
  });

  test('an unchanged record is the same frozen object from one list to the next; the array is new', () => {
    const store = new Store(new Database(':memory:'));
    put(store, 'a', 1);
    put(store, 'b', 1);
    const first = store.shownRecords('notes');
    put(store, 'b', 2);
    const second = store.shownRecords('notes');
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(Object.isFrozen(second[1]) && Object.isFrozen(second[1]?.fields)).toBe(true);
    second.reverse();
    expect(store.shownRecords('notes').map((record) => record.id)).toEqual(['a', 'b']);
  });

  test('a second instance writing through its own connection (file mode) is seen', () => {
    const file = fileDatabase();
    const [first, second] = [new Store(new Database(file)), new Store(new Database(file))];
    put(first, 'a', 1);
    expect(first.shownRecords('notes')).toHaveLength(1);
    put(second, 'b', 1);
    put(second, 'a', 2);
    expect(first.shownRecords('notes').map((record) => [record.id, record.fields.n])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    second.deleteRecord('notes', 'a');
    expect(first.shownRecords('notes')).toEqual(fresh(file));
  });

  test('a second instance sharing the connection (memory mode), or SQL the store did not run, is seen', () => {
    const db = new Database(':memory:');
    const [first, second] = [new Store(db), new Store(db)];
    put(first, 'a', 1);
    expect(first.shownRecords('notes')).toHaveLength(1);
    put(first, 'b', 1); // the first instance's own write, then one it did not make
    put(second, 'a', 2);
    expect(first.shownRecords('notes').map((record) => [record.id, record.fields.n])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    db.prepare("UPDATE records SET fields = '{\"n\":9}' WHERE id = 'b'").run();
    expect(first.shownRecords('notes').map((record) => record.fields.n)).toEqual([2, 9]);
  });

  test('ids are ordered as SQLite orders them (UTF-8 bytes), after updates too', () => {
    const file = fileDatabase();
    const store = new Store(new Database(file));
    const ids = ['b', 'a', '\u{1F600}', '\uE000', '\uFF5E', 'é', 'Z', '0'];
    put(store, ids[0] as string, 0);
    store.shownRecords('notes');
    for (const [index, id] of ids.entries()) put(store, id, index);
    put(store, '\uD800', 1); // a lone surrogate: SQLite keeps U+FFFD
    expect(store.shownRecords('notes')).toEqual(fresh(file));
    const sorted = [...ids].sort(compareUtf8);
    const bytes = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(sorted).toEqual(bytes);
    expect(sorted).not.toEqual([...ids].sort());
  });

  test('collections are kept apart, and a new store on the saved database starts from it', () => {
    const db = new Database(':memory:');
    const store = new Store(db);
    put(store, 'a', 1, 'notes');
    put(store, 'a', 5, 'tasks');
    expect(store.shownRecords('notes').map((record) => record.fields.n)).toEqual([1]);
    put(store, 'a', 6, 'tasks');
    expect(store.shownRecords('notes').map((record) => record.fields.n)).toEqual([1]);
    expect(store.shownRecords('tasks').map((record) => record.fields.n)).toEqual([6]);
    const reopened = new Store(new Database(db.serialize()));
    expect(reopened.shownRecords('tasks')).toEqual(store.shownRecords('tasks'));
  });

  test('writes in nested transactions, caught throws and a list inside a rolled-back transaction', () => {
    const file = fileDatabase();
    const db = new Database(file);
    const store = new Store(db);
    put(store, 'a', 1);
    store.shownRecords('notes');
    store.transaction(() => {
      put(store, 'a', 2); // outermost: taken as written once committed
      put(store, 'b', 1);
      expect(() =>
        store.transaction(() => {
          put(store, 'b', 2); // nested, rolled back below: b stays 1
          put(store, 'c', 1);
          throw new Error('inner');
        }),
      ).toThrow('inner');
      store.transaction(() => put(store, 'a', 3)); // nested, kept: a is 3, not the 2 above
    });
    expect(store.shownRecords('notes').map((record) => [record.id, record.fields.n])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    db.exec('BEGIN');
    put(store, 'd', 1);
    expect(store.shownRecords('notes')).toHaveLength(3); // its own uncommitted row
    db.exec('ROLLBACK');
    expect(store.shownRecords('notes')).toEqual(fresh(file));
    expect(store.shownRecords('notes')).toHaveLength(2);
  });
});
