// Goal: the ids the reference client skips reading when it applies a pulled page never
// include one that has a row: not after its own writes, a delete or a rolled-back
// transaction, not after a second instance writes through another connection (file mode)
// or through the same connection (memory mode), nor after SQL the store did not run.
// Method: after each such write, ask the store which of every id ever used may exist and
// compare with the ids a fresh connection finds rows for (the answer may hold more, never
// fewer); and check that ids never written are left out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { emptyRecord } from '../../src/client/reference/records.ts';
import { Store } from '../../src/client/reference/store.ts';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'never'];

function put(store: Store, id: string): void {
  store.putRecord({ ...emptyRecord('notes', id), fields: { n: 1 }, rev: 1, baseFields: { n: 1 } });
}

/** Ids with a row, as a connection that has cached nothing reads them. */
function rows(db: Database.Database): string[] {
  return db.prepare("SELECT id FROM records WHERE collection = 'notes' ORDER BY id").pluck().all() as string[];
}

function expectSuperset(store: Store, db: Database.Database): void {
  const mayExist = store.mayExist('notes', IDS);
  for (const id of rows(db)) expect(mayExist).toContain(id);
  expect(mayExist).not.toContain('never');
}

describe('the reference client known ids', () => {
  test('own writes, deletes, rollbacks and SQL the store did not run', () => {
    const db = new Database(':memory:');
    const store = new Store(db);
    expect(store.mayExist('notes', IDS)).toEqual([]);
    put(store, 'a');
    put(store, 'b');
    expect(store.mayExist('notes', IDS)).toEqual(['a', 'b']);
    store.deleteRecord('notes', 'a');
    expectSuperset(store, db);
    expect(() =>
      store.transaction(() => {
        put(store, 'c');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expectSuperset(store, db);
    // A hook's own SQL on the store's connection.
    db.prepare("INSERT INTO records (collection, id, fields, status) VALUES ('notes', 'd', '{}', 'synced')").run();
    expect(store.mayExist('notes', ['d'])).toEqual(['d']);
    // A second instance on the same connection (memory mode).
    put(new Store(db), 'e');
    expect(store.mayExist('notes', ['e'])).toEqual(['e']);
    expectSuperset(store, db);
  });

  test('a second instance writing through another connection', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'syncstorm-known-')), 'reference.sqlite');
    const db = new Database(file);
    const store = new Store(db);
    put(store, 'a');
    expect(store.mayExist('notes', IDS)).toEqual(['a']);
    const other = new Database(file);
    put(new Store(other), 'f');
    expect(store.mayExist('notes', ['f'])).toEqual(['f']);
    expectSuperset(store, db);
    other.close();
    db.close();
  });
});
