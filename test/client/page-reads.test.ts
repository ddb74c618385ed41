// Goal: what the reference client reads for a whole pulled page (client/reference/page-reads)
// is what it would read record by record: the row, the outbox count, the open-conflict flag;
// each record's facts are handed out once, none after `forget`, and ids that might not survive
// SQLite's JSON unchanged are left to be read one by one.
// Method: a store with rows, ops and conflicts on some ids; compare each fact with store.record,
// opsFor and hasConflicts.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { PageReads } from '../../src/client/reference/page-reads.ts';
import { emptyRecord } from '../../src/client/reference/records.ts';
import { Store } from '../../src/client/reference/store.ts';
import type { ServerRecord } from '../../src/server/protocol.ts';

function change(collection: string, id: string, extra: Partial<ServerRecord> = {}): ServerRecord {
  return { collection, id, rev: 5, updatedAtServer: 1, deleted: false, fields: {}, ...extra };
}

function storeWithFacts(): Store {
  const store = new Store(new Database(':memory:'));
  for (const [collection, id, rev] of [
    ['notes', 'a', 1],
    ['notes', 'b', null],
    ['notes', '12', 2],
    ['tasks', 'a', 3],
    ['notes', 'x\ud800', 1],
    ['notes', 'ctl\u0001', 1],
  ] as const)
    store.putRecord({
      ...emptyRecord(collection, id),
      fields: { n: 1 },
      rev,
      baseFields: rev === null ? null : { n: 1 },
    });
  let op = 0;
  for (const [collection, id] of [
    ['notes', 'b'],
    ['notes', 'b'],
    ['tasks', 'a'],
    ['notes', 'c'],
  ] as const)
    store.insertOp({
      opId: `op${op++}`,
      collection,
      recordId: id,
      kind: 'update',
      patch: [],
      baseRev: null,
      createdAt: 0,
      attemptCount: 0,
      state: 'pending',
    });
  store.insertConflict({
    id: 'k1',
    collection: 'notes',
    recordId: 'a',
    field: 'n',
    local: 1,
    remote: 2,
    remoteRev: 2,
    createdAt: 0,
  });
  return store;
}

describe('page reads', () => {
  test('each fact is what the record-by-record reads give', () => {
    const store = storeWithFacts();
    const page = [
      change('notes', 'a'),
      change('notes', 'b'),
      change('notes', '12'),
      change('notes', 'c'),
      change('notes', 'new'),
      change('tasks', 'a'),
      change('tasks', 'b'),
    ];
    const reads = PageReads.read(store, page);
    for (const item of page) {
      const known = reads.take(item);
      expect(known).toEqual({
        local: store.record(item.collection, item.id),
        pendingOps: store.opsFor(item.collection, item.id).length,
        contested: store.hasConflicts(item.collection, item.id),
      });
    }
    expect(reads.take(change('notes', 'a'))).toBeUndefined();
  });

  test('a record twice in a page: facts once; forget drops them all', () => {
    const store = storeWithFacts();
    const page = [change('notes', 'a'), change('notes', 'b'), change('notes', 'a')];
    const reads = PageReads.read(store, page);
    expect(reads.take(page[0] as ServerRecord)?.local?.rev).toBe(1);
    expect(reads.take(page[2] as ServerRecord)).toBeUndefined();
    reads.forget();
    expect(reads.take(page[1] as ServerRecord)).toBeUndefined();
  });

  test('odd ids and moved-out records are left to be read one by one', () => {
    const store = storeWithFacts();
    const page = [
      change('notes', 'x\ud800'),
      change('notes', 'ctl\u0001'),
      change('notes', 'a', { movedOut: true }),
      change('notes', 'b'),
    ];
    const reads = PageReads.read(store, page);
    for (const item of page.slice(0, 3)) expect(reads.take(item)).toBeUndefined();
    expect(reads.take(page[3] as ServerRecord)?.pendingOps).toBe(2);
  });
});
