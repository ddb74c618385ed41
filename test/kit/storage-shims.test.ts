// Goal: the storage shims behave as the APIs they stand for, and keep exactly what was
// written before a kill. Method: exercise the Web Storage API of KeyValueStorage and the
// file calls of FileStore, serialize the database (what a kill keeps), reopen, compare;
// then close the handle (a kill) and assert every call throws.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { FileStore } from '../../src/client/kit/file-store.ts';
import { KeyValueStorage } from '../../src/client/kit/key-value-storage.ts';

describe('kit KeyValueStorage (localStorage over SQLite)', () => {
  test('getItem/setItem/removeItem/key/length/clear follow the Web Storage API', () => {
    const storage = new KeyValueStorage(new Database(':memory:'));
    expect(storage.getItem('a')).toBeNull();
    storage.setItem('b', 'two');
    storage.setItem('a', 'one');
    storage.setItem('a', 'uno');
    expect(storage.length).toBe(2);
    expect(storage.getItem('a')).toBe('uno');
    expect([storage.key(0), storage.key(1), storage.key(2), storage.key(-1)]).toEqual(['a', 'b', null, null]);
    storage.removeItem('a');
    storage.removeItem('missing');
    expect(storage.length).toBe(1);
    storage.setItem('n', 5 as unknown as string);
    expect(storage.getItem('n')).toBe('5');
    storage.clear();
    expect(storage.length).toBe(0);
  });

  test('what was written survives a restart; after a kill every call throws', () => {
    const db = new Database(':memory:');
    const storage = new KeyValueStorage(db);
    storage.setItem('doc-1', '{"title":"x"}');
    const reopened = new KeyValueStorage(new Database(db.serialize()));
    expect(reopened.getItem('doc-1')).toBe('{"title":"x"}');
    db.close();
    expect(() => storage.setItem('doc-2', 'y')).toThrow();
    expect(() => storage.getItem('doc-1')).toThrow();
  });

  test("whenClosed 'drop': after a kill reads find nothing and writes are dropped, not kept", () => {
    const db = new Database(':memory:');
    const storage = new KeyValueStorage(db, { table: 'ls', whenClosed: 'drop' });
    storage.setItem('kept', 'before the kill');
    const bytes = db.serialize();
    db.close();
    storage.setItem('late', 'after the kill');
    storage.removeItem('kept');
    expect([storage.getItem('kept'), storage.length, storage.key(0)]).toEqual([null, 0, null]);
    const reopened = new KeyValueStorage(new Database(bytes), { table: 'ls' });
    expect([reopened.getItem('kept'), reopened.getItem('late')]).toEqual(['before the kill', null]);
  });
});

describe('kit FileStore', () => {
  test('write replaces a file whole; read, exists, list by prefix, remove', () => {
    const files = new FileStore(new Database(':memory:'));
    expect(files.read('app.db')).toBeUndefined();
    files.write('app.db', 'v1');
    files.write('app.db', 'v2');
    files.write('app.db.0', 'chunk');
    files.write('other', '');
    expect(files.read('app.db')).toBe('v2');
    expect(files.exists('other')).toBe(true);
    expect(files.list('app.')).toEqual(['app.db', 'app.db.0']);
    expect(files.list()).toEqual(['app.db', 'app.db.0', 'other']);
    expect(files.remove('app.db')).toBe(true);
    expect(files.remove('app.db')).toBe(false);
    expect(() => files.write('', 'x')).toThrow(/empty file name/);
  });

  test('a reopened store holds the last complete write; a closed one throws', () => {
    const db = new Database(':memory:');
    const files = new FileStore(db);
    files.write('loki.json', '{"collections":[]}');
    expect(new FileStore(new Database(db.serialize())).read('loki.json')).toBe('{"collections":[]}');
    db.close();
    expect(() => files.read('loki.json')).toThrow();
  });
});
