// Goal: jsonValue gives exactly what JSON.parse(JSON.stringify(value)) gives (same keys in the
// same order, same prototypes, same numbers), and shares only objects that can never change
// and equal their own JSON value. Method: drawn nested values mixing every case JSON treats
// specially, compared with the parse of their text; then frozen objects, clean and not.
import { describe, expect, test } from 'vitest';
import { deepFreeze } from '../../src/kernel/frozen.ts';
import { jsonValue, jsonValueWith } from '../../src/kernel/json-value.ts';
import { Rng } from '../../src/kernel/rng.ts';

/** Strict sameness: prototypes, own keys in order, Object.is on leaves. */
function sameValue(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null)
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototype`;
  const [ka, kb] = [Reflect.ownKeys(a), Reflect.ownKeys(b)];
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
  for (const key of ka) {
    if (typeof key === 'symbol') return `${path}: a symbol key`;
    const problem = sameValue(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (problem !== undefined) return problem;
  }
  return undefined;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get sum(): number {
    return this.x + this.y;
  }
}

/** A drawn value: every case JSON.stringify treats specially, nested. */
function drawn(rng: Rng, depth: number): unknown {
  const leaves: Array<() => unknown> = [
    () => rng.int(-5, 5),
    () => -0,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => 0.1 + 0.2,
    () => `s${rng.int(0, 9)}\u2028"\\`,
    () => '\ud800 lone',
    () => true,
    () => null,
    () => undefined,
    () => () => 1,
    () => Symbol('s'),
    () => new Date(Date.UTC(2026, 0, rng.int(1, 28))),
    () => ({ toJSON: (key: string) => `toJSON(${key})` }),
    () => new Number(3),
    () => new String('boxed'),
    () => new Boolean(false),
    () => new Point(1, 2),
    () => new Map([[1, 2]]),
  ];
  if (depth === 0 || rng.next() < 0.35) return (leaves[rng.int(0, leaves.length - 1)] as () => unknown)();
  const size = rng.int(0, 4);
  let value: unknown;
  if (rng.next() < 0.4) {
    const array: unknown[] = [];
    for (let index = 0; index < size; index++) array.push(drawn(rng, depth - 1));
    if (rng.next() < 0.1) array[size + 1] = 'after a hole';
    value = array;
  } else {
    const object: Record<string, unknown> = rng.next() < 0.1 ? Object.create(null) : {};
    const keys = ['b', 'a', '10', '2', '__proto__', 'toString', 'x y'];
    for (let index = 0; index < size; index++) {
      const key = keys[rng.int(0, keys.length - 1)] as string;
      Object.defineProperty(object, key, {
        value: drawn(rng, depth - 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (rng.next() < 0.1) Object.defineProperty(object, 'hidden', { value: 1, enumerable: false });
    if (rng.next() < 0.1) (object as Record<symbol, unknown>)[Symbol('k')] = 1;
    if (rng.next() < 0.1) Object.defineProperty(object, 'got', { get: () => 'got', enumerable: true });
    value = object;
  }
  return rng.next() < 0.3 ? deepFreeze(value) : value;
}

describe('jsonValue', () => {
  test('equals the parse of JSON.stringify, for drawn values', () => {
    const rng = new Rng('json-value');
    for (let index = 0; index < 3_000; index++) {
      const value = { event: drawn(rng, 4) };
      const expected = JSON.parse(JSON.stringify(value)) as unknown;
      expect(sameValue(jsonValue(value), expected)).toBeUndefined();
      // A second time (frozen objects found clean are now remembered): the same answer.
      expect(sameValue(jsonValue(value), expected)).toBeUndefined();
    }
  });

  test('top-level values JSON.stringify turns into nothing give undefined', () => {
    expect(jsonValue(undefined)).toBeUndefined();
    expect(jsonValue(() => 1)).toBeUndefined();
    expect(jsonValue(Symbol('s'))).toBeUndefined();
    expect(() => jsonValue({ big: 1n })).toThrow(TypeError);
  });

  test('frozen plain data equal to its JSON value is shared; anything else is copied', () => {
    const clean = deepFreeze({ id: 'a', fields: { tags: ['x', 'y'], n: 1.5, none: null } });
    expect(jsonValue(clean)).toBe(clean);
    expect((jsonValue({ list: [clean] }) as { list: unknown[] }).list[0]).toBe(clean);
    const unclean = [
      deepFreeze({ a: undefined }),
      deepFreeze({ a: -0 }),
      deepFreeze({ a: Number.NaN }),
      // A hole: an array of length 3 with no element 1.
      deepFreeze(Object.assign(new Array(3), { 0: 1, 2: 3 })),
      deepFreeze([1, undefined, 3]),
      deepFreeze({ a: new Date(0) }),
      deepFreeze(Object.assign(Object.create(null), { a: 1 })),
      Object.freeze(Object.defineProperty({}, 'a', { get: () => 1, enumerable: true })),
      Object.freeze(Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })),
      Object.freeze({ a: 1, [Symbol('s')]: 2 }),
      Object.freeze({ inner: { mutable: true } }),
    ];
    for (const value of unclean) {
      const result = jsonValue(value);
      expect(result).not.toBe(value);
      expect(sameValue(result, JSON.parse(JSON.stringify(value)))).toBeUndefined();
    }
  });

  test('a copy does not follow later changes to what was copied', () => {
    const fields = { n: 1, tags: ['x'] };
    const kept = jsonValue({ fields }) as { fields: { n: number; tags: string[] } };
    fields.n = 2;
    fields.tags.push('y');
    expect(kept.fields).toEqual({ n: 1, tags: ['x'] });
  });

  test('jsonValueWith puts a field in its own place, its value kept as is', () => {
    const list = ['kept'];
    const result = jsonValueWith({ a: 1, records: [{ toJSON: () => 'no' }], b: undefined, c: -0 }, 'records', list);
    expect(Object.keys(result)).toEqual(['a', 'records', 'c']);
    expect(result.records).toBe(list);
    expect(Object.is(result.c, 0)).toBe(true);
  });
});
