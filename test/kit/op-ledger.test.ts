// Goal: one Idempotency-Key per logical change, across retries and restarts. Method: freeze
// the same change twice (same op back, builder not called again), across a reopened
// database (the op survives), a different change of the same record (a new op), then
// settle (the record's ops are forgotten).
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { changeKey, OpLedger, stableJson } from '../../src/client/kit/op-ledger.ts';
import type { SyncOp } from '../../src/server/protocol.ts';

function builder() {
  let minted = 0;
  const build = (base: number | null) => (): SyncOp => ({
    opId: `op-${++minted}`,
    collection: 'notes',
    id: 'n1',
    kind: 'update',
    baseRev: base,
    patch: [{ op: 'set', field: 'title', value: 'x' }],
  });
  return { build, minted: () => minted };
}

describe('kit OpLedger', () => {
  test('the same change gets the same op, also after a restart; another change gets a new one', () => {
    const bytes = (() => {
      const db = new Database(':memory:');
      const ledger = new OpLedger(db);
      const { build, minted } = builder();
      const change = { collection: 'notes', id: 'n1', base: 1, state: { title: 'x' } };
      const first = ledger.freeze(change, build(1));
      expect(ledger.freeze({ ...change, state: { title: 'x' } }, build(1))).toEqual(first);
      expect(minted()).toBe(1);
      expect(ledger.freeze({ ...change, base: 2 }, build(2)).opId).toBe('op-2');
      return db.serialize();
    })();
    const reopened = new OpLedger(new Database(bytes));
    const { build, minted } = builder();
    const again = reopened.freeze({ collection: 'notes', id: 'n1', base: 1, state: { title: 'x' } }, build(1));
    expect(again.opId).toBe('op-1');
    expect(minted()).toBe(0);
    expect(reopened.size()).toBe(2);
    reopened.settle('notes', 'n1');
    expect(reopened.size()).toBe(0);
    expect(reopened.freeze({ collection: 'notes', id: 'n1', base: 1, state: { title: 'x' } }, build(1)).opId).toBe(
      'op-1',
    );
    expect(minted()).toBe(1);
  });

  test('the change key ignores object key order and undefined members, not values', () => {
    expect(stableJson({ b: 1, a: [{ y: 2, x: 1 }], u: undefined })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    const key = changeKey({ collection: 'c', id: 'i', base: { rev: 1 }, state: { a: 1, b: 2 } });
    expect(changeKey({ collection: 'c', id: 'i', base: { rev: 1 }, state: { b: 2, a: 1 } })).toBe(key);
    expect(changeKey({ collection: 'c', id: 'i', base: { rev: 1 }, state: { b: 2, a: 2 } })).not.toBe(key);
  });

  test('an op built for another record is refused', () => {
    const ledger = new OpLedger(new Database(':memory:'));
    const { build } = builder();
    expect(() => ledger.freeze({ collection: 'notes', id: 'other', base: null, state: {} }, build(null))).toThrow(
      /names another record/,
    );
  });
});
