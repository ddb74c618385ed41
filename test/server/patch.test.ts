/**
 * Goal: patch semantics (set, add/remove on sorted unique sets, inc on counters) are exactly as
 * docs/protocol.md says, and a patch applies entirely or not at all.
 * Method: call the pure `applyPatch` on hand-made fields and compare results.
 */
import { describe, expect, test } from 'vitest';
import { applyPatch } from '../../src/server/patch.ts';

describe('applyPatch', () => {
  test('set replaces any value, a set field included', () => {
    expect(applyPatch({ a: 1, tags: ['x'] }, [{ op: 'set', field: 'tags', value: null }])).toEqual({
      ok: true,
      fields: { a: 1, tags: null },
    });
  });

  test('add keeps a set sorted by code unit and without duplicates; absent or null counts as empty', () => {
    const result = applyPatch({ n: null }, [
      { op: 'add', field: 'tags', values: ['b', 'a', 'b', 'B'] },
      { op: 'add', field: 'n', values: ['z'] },
    ]);
    expect(result).toEqual({ ok: true, fields: { tags: ['B', 'a', 'b'], n: ['z'] } });
  });

  test('remove drops members, ignores absent ones, and turns an absent field into []', () => {
    expect(
      applyPatch({ tags: ['a', 'b', 'c'] }, [
        { op: 'remove', field: 'tags', values: ['b', 'zz'] },
        { op: 'remove', field: 'other', values: ['a'] },
      ]),
    ).toEqual({ ok: true, fields: { tags: ['a', 'c'], other: [] } });
  });

  test('inc adds to a counter; absent or null counts as 0', () => {
    expect(
      applyPatch({ count: 2 }, [
        { op: 'inc', field: 'count', by: 3 },
        { op: 'inc', field: 'fresh', by: -1 },
      ]),
    ).toEqual({ ok: true, fields: { count: 5, fresh: -1 } });
  });

  test('operations apply in order', () => {
    expect(
      applyPatch({}, [
        { op: 'inc', field: 'c', by: 1 },
        { op: 'set', field: 'c', value: 10 },
        { op: 'inc', field: 'c', by: 1 },
      ]),
    ).toEqual({ ok: true, fields: { c: 11 } });
  });

  test('a type mismatch fails the whole patch and leaves the input untouched', () => {
    const fields = Object.freeze({ title: 'a', tags: Object.freeze(['x']) as string[] });
    expect(
      applyPatch(fields, [
        { op: 'add', field: 'tags', values: ['y'] },
        { op: 'add', field: 'title', values: ['z'] },
      ]),
    ).toEqual({
      ok: false,
      error: { error: 'bad-request', reason: 'type-mismatch', path: 'patch[1]' },
    });
    expect(applyPatch(fields, [{ op: 'inc', field: 'tags', by: 1 }])).toMatchObject({ ok: false });
    expect(fields).toEqual({ title: 'a', tags: ['x'] });
  });

  test('a counter that overflows to infinity is rejected', () => {
    expect(applyPatch({ c: Number.MAX_VALUE }, [{ op: 'inc', field: 'c', by: Number.MAX_VALUE }])).toMatchObject({
      ok: false,
      error: { reason: 'not-finite' },
    });
  });
});
