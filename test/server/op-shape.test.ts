// Goal: the hand-written op check (server/op-shape) never accepts what zod rejects and
// returns exactly what zod returns. Method: generated ops, well-formed and broken at one
// place (wrong types, lengths, patterns, unknown keys, reserved names); asserts that
// whenever the fast check answers, zod accepts too with the same value in the same key
// order, and that the fast check answers for the well-formed ones.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../src/server/config.ts';
import { wellFormedOp } from '../../src/server/op-shape.ts';
import { syncOpSchema } from '../../src/server/validation.ts';

const identifier = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 8 }));
const fieldName = fc.oneof(
  fc.constantFrom('title', 'body', 'tags', 'likes', '_x', 'a-b', '__proto__', '1bad', '', 'x'.repeat(65)),
  fc.string({ maxLength: 6 }),
);
const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(1.5),
  fc.constant(-1),
  fc.constant(0),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant('x'.repeat(LIMITS.stringLengthMax + 1)),
  fc.constant('x'.repeat(LIMITS.idLengthMax + 1)),
  fc.constant('with space'),
  fc.constant([]),
  fc.constant({}),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
);
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const patchOp = fc.oneof(
  fc.record({ op: fc.constant('set'), field: fieldName, value: scalar }),
  fc.record({ op: fc.constantFrom('add', 'remove'), field: fieldName, values: fc.array(fc.string({ maxLength: 5 })) }),
  fc.record({ op: fc.constant('inc'), field: fieldName, by: fc.oneof(fc.integer(), fc.double()) }),
);
const op = fc.record({
  opId: identifier,
  collection: fc.constantFrom('notes', 'tasks', '', 'c'.repeat(65)),
  id: identifier,
  kind: fc.constantFrom('create', 'update', 'delete', 'upsert'),
  baseRev: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 1_000 })),
  patch: fc.array(patchOp, { maxLength: 4 }),
});

/** `op` with one place broken (or an extra key), chosen by `where`. */
function broken(input: Record<string, unknown>, where: number, value: unknown): unknown {
  const copy = structuredClone(input) as Record<string, unknown>;
  const keys = [
    'opId',
    'collection',
    'id',
    'kind',
    'baseRev',
    'patch',
    'extra',
    'patch.0',
    'patch.0.op',
    'value',
    'values',
  ];
  const key = keys[where % keys.length] as string;
  const patch = copy.patch as Record<string, unknown>[];
  if (key === 'patch.0') patch[0] = value as Record<string, unknown>;
  else if (key === 'value') copy.patch = [{ op: 'set', field: 'title', value }];
  else if (key === 'values') copy.patch = [{ op: 'add', field: 'tags', values: ['a', value] }];
  else if (key === 'patch.0.op' && patch[0] !== undefined) patch[0] = { ...patch[0], op: value };
  else if (key === 'patch.0.op') copy.patch = [{ op: value, field: 'title', value: 1 }];
  else copy[key] = value;
  if (where % 2 === 1) delete copy.kind;
  return copy;
}

function agrees(input: unknown): boolean {
  const fast = wellFormedOp(input);
  const slow = syncOpSchema.safeParse(input);
  if (fast === undefined) return true;
  expect(slow.success).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
  return true;
}

describe('the hand-written op check', () => {
  test('answers only where zod accepts, with the same value in the same key order', () => {
    fc.assert(fc.property(op, agrees), { numRuns: 2_000, seed: 18 });
    fc.assert(
      fc.property(op, fc.nat(), odd, (input, where, value) => agrees(broken(input, where, value))),
      { numRuns: 3_000, seed: 18 },
    );
  });

  test('answers for a well-formed op, stripping unknown keys as zod does', () => {
    const input = {
      extra: 1,
      opId: 'op-1',
      collection: 'notes',
      id: 'n1',
      kind: 'update',
      baseRev: 3,
      patch: [
        { field: 'title', op: 'set', value: 'a', junk: true },
        { op: 'add', field: 'tags', values: ['x'] },
        { op: 'inc', field: 'likes', by: 2 },
      ],
    };
    const fast = wellFormedOp(input);
    expect(fast).toBeDefined();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(syncOpSchema.parse(input)));
    expect(fast?.patch[0]).toEqual({ op: 'set', field: 'title', value: 'a' });
    expect(wellFormedOp({ ...input, patch: [{ op: 'set', field: '__proto__', value: 1 }] })).toBeUndefined();
  });
});
