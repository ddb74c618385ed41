// Goal: a diffed event's line written from its put items' JSON, and an event's line written
// from the JSON of a list of frozen records, are exactly what JSON.stringify writes. Method: drawn events with awkward fields (integer-like
// keys, `__proto__`, undefined, functions, a `toJSON` that reads its key, nested data, strings
// that look like JSON) around a drawn delta, compared with JSON.stringify; then the encoder's
// lines for drawn frozen views, compared with JSON.stringify of what it wrote.

import { describe, expect, test } from 'vitest';
import { deltaLine, eventLine } from '../../src/kernel/delta-line.ts';
import { deepFreeze } from '../../src/kernel/frozen.ts';
import { ListDeltaEncoder } from '../../src/kernel/trace-delta.ts';
import { VIEW_DELTA } from '../../src/sim/view-delta.ts';

/** A deterministic stream of numbers in [0, 1). */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  -0,
  Number.NaN,
  'a "quoted" \u2028 string',
  '"viewDelta":{"put":[]',
  () => 1,
  { toJSON: (key: string) => `key ${key}` },
  { nested: { toJSON: (key: string) => [key] } },
  [1, undefined, 'x'],
  new Date(0),
  { a: 1, b: [true, null] },
];

const ODD_KEYS = ['seq', 't', 'type', 'device', '7', '0', '__proto__', 'zeta', 'a b', '"q"'];

function drawnWritten(next: () => number): { written: Record<string, unknown>; items: unknown[]; drop: string[] } {
  const written: Record<string, unknown> = {};
  const items = Array.from({ length: Math.floor(next() * 4) }, (_, index) =>
    deepFreeze({ collection: 'notes', id: `r${index}`, fields: { n: Math.floor(next() * 9), s: 'x"y' }, rev: index }),
  );
  const drop = Array.from({ length: Math.floor(next() * 3) }, (_, index) => `notes"d${index}`);
  const fieldAt = Math.floor(next() * 4);
  let placed = false;
  for (let index = 0; index < 5; index++) {
    if (index === fieldAt) {
      written.recordsDelta = { put: items, drop };
      placed = true;
    }
    const key = ODD_KEYS[Math.floor(next() * ODD_KEYS.length)] as string;
    const value = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
    Object.defineProperty(written, key, { value, writable: true, enumerable: true, configurable: true });
  }
  if (!placed) written.recordsDelta = { put: items, drop };
  return { written, items, drop };
}

describe('delta lines', () => {
  test('a line written from the put items JSON is JSON.stringify of the event, for drawn events', () => {
    const next = draws(7);
    for (let round = 0; round < 2_000; round++) {
      const { written, items, drop } = drawnWritten(next);
      const line = deltaLine(
        written,
        'recordsDelta',
        items.map((item) => JSON.stringify(item)),
        drop,
      );
      expect(line).toBe(JSON.stringify(written));
    }
  });

  test('an event that serialises itself, or a delta with other fields, is left to JSON.stringify', () => {
    const delta = { put: [], drop: [] };
    expect(deltaLine({ toJSON: () => 'x', recordsDelta: delta }, 'recordsDelta', [], [])).toBeUndefined();
    expect(deltaLine({ recordsDelta: { ...delta, more: 1 } }, 'recordsDelta', [], [])).toBeUndefined();
  });

  test("the encoder's lines for drawn frozen views are JSON.stringify of what it wrote", () => {
    const next = draws(11);
    const encoder = new ListDeltaEncoder(VIEW_DELTA, true);
    // One pool of frozen records shared by the devices' views, as the reference client's.
    const pool = new Map<string, unknown>();
    const shared = (id: string, rev: number) => {
      const key = `${id}@${rev}`;
      if (!pool.has(key)) pool.set(key, deepFreeze({ collection: 'notes', id, fields: { rev, s: '\u0000"' }, rev }));
      return pool.get(key);
    };
    const revs = new Map<string, number>();
    let lines = 0;
    for (let round = 0; round < 600; round++) {
      const device = `d${Math.floor(next() * 4)}`;
      const id = `r${Math.floor(next() * 20)}`;
      revs.set(id, (revs.get(id) ?? 0) + (next() < 0.5 ? 1 : 0));
      const ids = [...revs.keys()].filter(() => next() < 0.8).sort();
      const records = ids.map((each) => shared(each, revs.get(each) ?? 0));
      const encoded = encoder.encode({ seq: round, t: round * 10, type: 'device.view', device, records });
      if (encoded.line !== undefined) {
        lines++;
        expect(encoded.line).toBe(JSON.stringify(encoded.written));
      }
    }
    expect(lines).toBeGreaterThan(500);
  });

  test('an event with long lists of frozen records, or lists that are not, is written as JSON.stringify writes it', () => {
    const next = draws(13);
    const shared = Array.from({ length: 30 }, (_, index) =>
      deepFreeze({ collection: 'notes', id: `r"${index}`, rev: index, deleted: index % 4 === 0 }),
    );
    let written = 0;
    for (let round = 0; round < 2_000; round++) {
      const { written: event } = drawnWritten(next);
      delete event.recordsDelta;
      const length = Math.floor(next() * 20);
      let list: unknown[] = Array.from({ length }, () => shared[Math.floor(next() * shared.length)]);
      const odd = next();
      if (odd < 0.1) list = [...list, { collection: 'notes', id: 'mutable', rev: 1, deleted: false }];
      else if (odd < 0.15) list = [...list, undefined];
      else if (odd < 0.2) list = [...list, deepFreeze({ toJSON: () => 'x' })];
      else if (odd < 0.25) list = Object.assign([...list], { toJSON: () => 'own' });
      const at = Math.floor(next() * 3);
      const keys = Object.keys(event);
      const withList: Record<string, unknown> = {};
      for (const [index, key] of keys.entries()) {
        if (index === at) withList.records = list;
        Object.defineProperty(withList, key, {
          value: event[key],
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      if (!('records' in withList)) withList.records = list;
      expect(eventLine(withList)).toBe(JSON.stringify(withList));
      if (list.length >= 8 && odd >= 0.25) written++;
    }
    expect(written).toBeGreaterThan(500);
  });

  test('a list of records that may still change is written as they are now, every time', () => {
    const records = Array.from({ length: 10 }, (_, index) => ({ collection: 'notes', id: `r${index}`, rev: 1 }));
    const event = { seq: 0, type: 'server.changes', records };
    expect(eventLine(event)).toBe(JSON.stringify(event));
    (records[3] as { rev: number }).rev = 2;
    expect(eventLine(event)).toBe(JSON.stringify(event));
    expect(eventLine(event)).toContain('"id":"r3","rev":2');
  });
});
