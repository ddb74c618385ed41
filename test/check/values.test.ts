/**
 * Goal: the field comparisons every checker and heal share give what their plain definitions
 * give (a Set of both key lists, sets compared as sorted copies, tokens per field in order),
 * now that they skip building those lists for records that agree.
 * Method: compare against the definitions, written out here, on fixed cases and a seeded mix
 * of fields (absent vs null, sets in another order, duplicates, mixed types, odd names).
 */
import { describe, expect, test } from 'vitest';
import { differingFields, sameFields, sameValue, tokensOfFields, tokensOfValue } from '../../src/check/values.ts';
import { Rng } from '../../src/kernel/rng.ts';
import type { Fields, FieldValue } from '../../src/server/protocol.ts';

function plainNormalise(value: FieldValue | undefined): FieldValue {
  if (value === undefined) return null;
  return Array.isArray(value) ? [...value].sort() : value;
}

function plainSameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const [left, right] = [plainNormalise(a), plainNormalise(b)];
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((element, index) => element === right[index]);
  return left === right;
}

function plainDiffering(a: Fields, b: Fields): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((name) => !plainSameValue(a[name], b[name]))
    .sort();
}

const VALUES: Array<FieldValue | undefined> = [
  undefined,
  null,
  'x',
  'y',
  0,
  1,
  true,
  [],
  ['a'],
  ['a', 'b'],
  ['b', 'a'],
  ['a', 'a'],
  ['a', 'c'],
];
const NAMES = ['title', 'tags', 'n', 'constructor', 'toString', 'z'];

function fieldsOf(rng: Rng): Fields {
  const fields: Fields = {};
  for (const name of NAMES) {
    const value = VALUES[rng.int(0, VALUES.length - 1)];
    if (value !== undefined) fields[name] = Array.isArray(value) ? [...value] : value;
  }
  return fields;
}

describe('field comparison', () => {
  test('sameValue: sets as sorted lists, duplicates differ, absent equals null', () => {
    for (const a of VALUES) for (const b of VALUES) expect(sameValue(a, b)).toBe(plainSameValue(a, b));
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameValue(['a', 'a'], ['a', 'b'])).toBe(false);
    expect(sameValue(undefined, null)).toBe(true);
  });

  test('differingFields: keys of either side, each once, sorted, as the plain definition', () => {
    expect(differingFields({ b: 1, a: 2 }, { c: 3, a: 2 })).toEqual(['b', 'c']);
    expect(differingFields({ a: null }, {})).toEqual([]);
    expect(differingFields({}, { constructor: 'x' })).toEqual(['constructor']);
    const rng = new Rng('values');
    for (let round = 0; round < 2_000; round++) {
      const [a, b] = [fieldsOf(rng), fieldsOf(rng)];
      expect(differingFields(a, b)).toEqual(plainDiffering(a, b));
      expect(sameFields(a, b)).toBe(plainDiffering(a, b).length === 0);
      expect(differingFields(a, a)).toEqual([]);
    }
  });

  test('tokensOfFields: each field tokens in field order, as tokensOfValue gives them', () => {
    const rng = new Rng('tokens');
    for (let round = 0; round < 500; round++) {
      const fields = fieldsOf(rng);
      expect(tokensOfFields(fields)).toEqual(
        Object.entries(fields).flatMap(([field, value]) => tokensOfValue(field, value)),
      );
    }
  });
});
