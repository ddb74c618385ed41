// Goal: the state-to-patch diff keeps each field kind's meaning, and its patch, applied with
// the server's semantics, leads exactly to the new state. Method: hand-written cases per
// kind, then a property: for random pairs of states, applying diff(before, after) to
// before gives after (absent fields read as null).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { diffFields, patchedFields } from '../../src/client/kit/diff.ts';
import type { Fields } from '../../src/server/protocol.ts';

describe('kit diffFields', () => {
  test('equal states give no ops; a new record sets its scalars and adds its sets', () => {
    expect(diffFields({ a: 'x', tags: ['p'] }, { tags: ['p'], a: 'x' })).toEqual([]);
    expect(diffFields(undefined, { title: 't', tags: ['b', 'a'], done: false })).toEqual([
      { op: 'set', field: 'done', value: false },
      { op: 'add', field: 'tags', values: ['a', 'b'] },
      { op: 'set', field: 'title', value: 't' },
    ]);
  });

  test('a set becomes add/remove of the changed members, never a set of the whole list', () => {
    expect(diffFields({ tags: ['a', 'b'] }, { tags: ['b', 'c'] })).toEqual([
      { op: 'add', field: 'tags', values: ['c'] },
      { op: 'remove', field: 'tags', values: ['a'] },
    ]);
  });

  test('a named counter becomes inc by the difference; other numbers are set', () => {
    const before = { likes: 2, rank: 2 };
    const after = { likes: 5, rank: 5 };
    expect(diffFields(before, after, { counters: ['likes'] })).toEqual([
      { op: 'inc', field: 'likes', by: 3 },
      { op: 'set', field: 'rank', value: 5 },
    ]);
    expect(diffFields(before, after, { counters: (field) => field === 'rank' })).toEqual([
      { op: 'set', field: 'likes', value: 5 },
      { op: 'inc', field: 'rank', by: 3 },
    ]);
  });

  test('a field that disappeared is set to null; a scalar turned set is cleared first', () => {
    expect(diffFields({ a: 'x', b: null }, {})).toEqual([{ op: 'set', field: 'a', value: null }]);
    expect(diffFields({ a: 'x' }, { a: ['m'] })).toEqual([
      { op: 'set', field: 'a', value: null },
      { op: 'add', field: 'a', values: ['m'] },
    ]);
  });

  test('property: before + diff(before, after) = after', () => {
    const value = fc.oneof(
      fc.constantFrom<string | number | boolean | null>('x', 'y', 1, 2, true, null),
      fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd')).map((members) => [...members].sort()),
    );
    const fields = fc.dictionary(fc.constantFrom('f1', 'f2', 'f3', 'likes'), value);
    const nullsAsAbsent = (record: Fields) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
    fc.assert(
      fc.property(fields, fields, (before, after) => {
        const counters = (field: string) => field === 'likes';
        const patched = patchedFields(before, diffFields(before, after, { counters }));
        expect(nullsAsAbsent(patched)).toEqual(nullsAsAbsent(after));
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  test('patchedFields applies a patch with server semantics and names a patch that does not fit', () => {
    expect(
      patchedFields({ likes: 1, tags: ['a'] }, [
        { op: 'inc', field: 'likes', by: 2 },
        { op: 'add', field: 'tags', values: ['b'] },
      ]),
    ).toEqual({ likes: 3, tags: ['a', 'b'] });
    expect(() => patchedFields({ title: 'x' }, [{ op: 'inc', field: 'title', by: 1 }])).toThrow(
      /type-mismatch at patch\[0\]/,
    );
  });
});
