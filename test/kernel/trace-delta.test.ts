// Goal: a trace that writes repeated lists as changes gives back exactly the events a trace
// of whole lists gives. Method: record the same drawn views (records added, changed, dropped;
// some lists unsorted, with a duplicate or an item without a key; several streams) into a
// trace with listDelta and one without, and compare the parsed events; check the lines are
// diffed and smaller, the file holds whole lists, and carried-over items are frozen.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepFreeze } from '../../src/kernel/frozen.ts';
import { Trace } from '../../src/kernel/trace.ts';
import { ListDeltaDecoder } from '../../src/kernel/trace-delta.ts';
import { VIEW_DELTA } from '../../src/sim/view-delta.ts';

interface Item {
  collection: string;
  id: string;
  fields: Record<string, unknown>;
  rev: number | null;
}

/** A deterministic stream of numbers in [0, 1). */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function sorted(items: Item[]): Item[] {
  return [...items].sort((a, b) =>
    a.collection + a.id < b.collection + b.id ? -1 : a.collection + a.id > b.collection + b.id ? 1 : 0,
  );
}

/** Views of three devices, drawn: each view changes, adds and drops a few records of the last. */
function drawnViews(seed: number, count: number): Array<Record<string, unknown>> {
  const next = draws(seed);
  const held = new Map<string, Map<string, Item>>();
  const views: Array<Record<string, unknown>> = [];
  for (let index = 0; index < count; index++) {
    const device = `d${Math.floor(next() * 3)}`;
    const records = held.get(device) ?? new Map<string, Item>();
    held.set(device, records);
    for (let change = 0; change < 4; change++) {
      const id = `r${Math.floor(next() * 12)}`;
      const collection = next() < 0.5 ? 'notes' : 'tasks';
      const roll = next();
      if (roll < 0.25) records.delete(collection + id);
      else
        records.set(collection + id, { collection, id, fields: { n: Math.floor(roll * 5), tags: ['a'] }, rev: index });
    }
    let list: unknown[] = sorted([...records.values()]);
    const odd = next();
    if (odd < 0.05 && list.length > 1)
      list = [...list].reverse(); // unsorted
    else if (odd < 0.1 && list.length > 0)
      list = [list[0], ...list]; // a duplicate
    else if (odd < 0.13)
      list = [...list, { id: 'no collection' }]; // no key
    else if (odd < 0.15) list = [...list, 'not an object'];
    views.push({ device, reason: 'sample', records: list, pending: 0, conflicts: [] });
  }
  return views;
}

function traceOf(views: Array<Record<string, unknown>>, delta: boolean, file?: string): Trace {
  let now = 0;
  const trace = new Trace({
    now: () => now,
    ...(delta ? { listDelta: VIEW_DELTA } : {}),
    ...(file === undefined ? {} : { file }),
  });
  for (const view of views) {
    now += 10;
    trace.record('device.view', view);
    trace.record('net.send', { device: view.device, requestId: `${view.device}#${now}` });
  }
  return trace;
}

/**
 * The events a trace's hashed lines hold, read back with the decoder. The lines are checked
 * to be the hashed ones first (their sha256 is the trace's hash).
 */
function readBack(trace: Trace): unknown[] {
  const text = trace.toJsonLines();
  expect(createHash('sha256').update(text).digest('hex')).toBe(trace.hash());
  const decoder = new ListDeltaDecoder(VIEW_DELTA);
  return text
    .trim()
    .split('\n')
    .map((line) => decoder.decode(JSON.parse(line) as Record<string, unknown>));
}

describe('list deltas in the trace', () => {
  test('the kept events are what the hashed lines hold, for drawn views', () => {
    // Goal: the trace keeps, without parsing, what its lines say. Method: drawn views (some
    // records frozen and shared, some mutable and changed in place after they were recorded);
    // the kept events equal the decoded lines, key order included, and the lines written
    // again from them hash to the trace's hash (a kept event that followed a later change
    // would not).
    for (const seed of [1, 2, 3]) {
      const views = drawnViews(seed, 300).map((view, index) => ({
        ...view,
        records: (view.records as unknown[]).map((record) => (index % 3 === 0 ? deepFreeze(record) : record)),
      }));
      const trace = new Trace({ now: () => 0, listDelta: VIEW_DELTA });
      for (const view of views) {
        trace.record('device.view', view);
        // Changed after it was recorded: the kept event must not follow.
        const first = (view.records as Item[])[0];
        if (first !== undefined && typeof first === 'object' && !Object.isFrozen(first.fields)) first.fields.late = 1;
      }
      const events = trace.events();
      const lines = readBack(trace);
      expect(events).toStrictEqual(lines);
      expect(events.map((event) => JSON.stringify(event))).toEqual(lines.map((event) => JSON.stringify(event)));
    }
  });

  test('events read back equal those of a trace of whole lists, for drawn views', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const views = drawnViews(seed, 300);
      const whole = traceOf(views, false);
      const diffed = traceOf(views, true);
      expect(diffed.events().map((event) => JSON.stringify(event))).toEqual(
        whole.events().map((event) => JSON.stringify(event)),
      );
      const lines = diffed.toJsonLines();
      expect(lines).toContain('"recordsDelta"');
      expect(lines.length).toBeLessThan(whole.toJsonLines().length);
      expect(diffed.hash()).not.toBe(whole.hash());
    }
  });

  test('events read mid-run, then again after more views, equal those of whole lists', () => {
    const views = drawnViews(9, 2_000);
    let now = 0;
    const diffed = new Trace({ now: () => now, listDelta: VIEW_DELTA });
    for (const [index, view] of views.entries()) {
      now += 10;
      diffed.record('device.view', view);
      if (index === 1_200) expect(diffed.events()).toHaveLength(1_201);
    }
    now = 0;
    const whole = new Trace({ now: () => now });
    for (const view of views) {
      now += 10;
      whole.record('device.view', view);
    }
    expect(diffed.events().map((event) => JSON.stringify(event))).toEqual(
      whole.events().map((event) => JSON.stringify(event)),
    );
  });

  test('the trace file holds whole lists, and carried-over records are frozen', () => {
    const views = drawnViews(7, 50);
    const file = join(mkdtempSync(join(tmpdir(), 'syncstorm-delta-')), 'trace.jsonl');
    const diffed = traceOf(views, true, file);
    diffed.close();
    expect(readFileSync(file, 'utf8')).toBe(traceOf(views, false).toJsonLines());
    const shown = diffed.events().filter((event) => event.type === 'device.view' && event.device === 'd1');
    const last = shown.at(-1)?.records as Item[];
    const carried = last.find((record) => shown.at(-2)?.records !== undefined && Object.isFrozen(record));
    expect(carried).toBeDefined();
    expect(() => {
      (carried as Item).fields.n = 99;
    }).toThrow();
  });

  test('a frozen record handed back again is not written again; one changed in place is', () => {
    // Goal: the encoder's shortcut (the very same frozen object is unchanged) never hides a
    // change. Method: views reusing frozen records, replacing one by an equal copy, and
    // mutating a mutable record in place between two views; events must equal whole lists.
    const frozen = deepFreeze({ collection: 'notes', id: 'a', fields: { n: 1, tags: ['x'] }, rev: 1 });
    const mutable = { collection: 'notes', id: 'b', fields: { n: 1 }, rev: 1 };
    const copy = deepFreeze({ collection: 'notes', id: 'a', fields: { n: 1, tags: ['x'] }, rev: 1 });
    const views = [
      { device: 'd0', records: [frozen, mutable] },
      { device: 'd0', records: [frozen, mutable] },
      { device: 'd0', records: [copy, mutable] },
    ];
    let now = 0;
    const whole = new Trace({ now: () => now });
    const diffed = new Trace({ now: () => now, listDelta: VIEW_DELTA });
    const puts: number[] = [];
    for (const [index, view] of views.entries()) {
      if (index === 2) mutable.fields.n = 2; // changed in place, same object
      for (const trace of [whole, diffed]) trace.record('device.view', { ...view, records: view.records.slice() });
      const line = diffed.toJsonLines().trim().split('\n').at(-1) as string;
      const delta = (JSON.parse(line) as { recordsDelta?: { put: unknown[] } }).recordsDelta;
      puts.push(delta === undefined ? -1 : delta.put.length);
      now += 10;
    }
    expect(puts).toEqual([-1, 0, 1]);
    expect(diffed.events().map((event) => JSON.stringify(event))).toEqual(
      whole.events().map((event) => JSON.stringify(event)),
    );
  });

  test("sim.final's device views are written as changes and read back whole", () => {
    // Goal: the end state, which repeats every device's final view, is not written twice.
    // Method: views of three devices (one named __proto__), then a sim.final holding them;
    // events must equal those of a trace of whole lists, and the sim.final line be short.
    const views = drawnViews(11, 60).map((view) => ({
      ...view,
      device: view.device === 'd2' ? '__proto__' : view.device,
    }));
    const last = new Map<string, Record<string, unknown>>();
    for (const view of views) last.set(view.device as string, view);
    const devices = Object.fromEntries(
      [...last].map(([device, view]) => [device, { records: view.records, pending: 0, conflicts: [] }]),
    );
    const traces = [new Trace({ now: () => 0 }), new Trace({ now: () => 0, listDelta: VIEW_DELTA })];
    for (const trace of traces) {
      for (const view of views) trace.record('device.view', view);
      trace.record('sim.final', { policy: {}, server: [], devices });
    }
    const [whole, diffed] = traces as [Trace, Trace];
    expect(diffed.events().map((event) => JSON.stringify(event))).toEqual(
      whole.events().map((event) => JSON.stringify(event)),
    );
    const final = diffed.toJsonLines().trim().split('\n').at(-1) as string;
    expect(Object.keys(JSON.parse(final).devices)).toEqual(Object.keys(devices));
    expect(Object.keys(devices)).toContain('__proto__');
    expect(final).toContain('"recordsDelta":{"put":[],"drop":[]}');
    expect(final.length).toBeLessThan(whole.toJsonLines().trim().split('\n').at(-1)?.length ?? 0);
  });
});
