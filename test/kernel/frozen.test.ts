import { describe, expect, test } from 'vitest';
import { deepFreeze, isFrozenData } from '../../src/kernel/frozen.ts';

describe('isFrozenData', () => {
  test('deeply frozen plain objects and arrays are frozen data, asked once or many times', () => {
    const record = deepFreeze({ id: 'a', rev: 2, fields: { title: 't', tags: ['x', 'y'], note: null } });
    for (let index = 0; index < 3; index++) expect(isFrozenData(record)).toBe(true);
    expect(isFrozenData(record.fields.tags)).toBe(true);
    expect(isFrozenData('text')).toBe(true);
    expect(isFrozenData(() => 1)).toBe(false);
  });

  test('anything that could still change, or whose JSON is not its data, is not', () => {
    expect(isFrozenData({ id: 'a' })).toBe(false);
    expect(isFrozenData(Object.freeze({ fields: { title: 't' } }))).toBe(false);
    expect(isFrozenData(Object.freeze(Object.defineProperty({}, 'rev', { get: () => 1, enumerable: true })))).toBe(
      false,
    );
    expect(isFrozenData(deepFreeze({ toJSON: () => 'other' }))).toBe(false);
    class Record {
      id = 'a';
    }
    expect(isFrozenData(deepFreeze(new Record()))).toBe(false);
  });

  test('a "no" is not remembered: the same object frozen later is frozen data', () => {
    const record = { id: 'a', fields: { title: 't' } };
    expect(isFrozenData(record)).toBe(false);
    Object.freeze(record);
    expect(isFrozenData(record)).toBe(false); // its fields are not frozen yet
    Object.freeze(record.fields);
    expect(isFrozenData(record)).toBe(true);
  });
});
