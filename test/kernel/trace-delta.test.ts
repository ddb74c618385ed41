// Goal: a trace that writes repeated lists as changes gives back exactly the events a trace
// of whole lists gives. Method: record the same drawn views (records added, changed, dropped;
// some lists unsorted, with a duplicate or an item without a key; several streams) into a
// trace with listDelta and one without, and compare the parsed events; check the lines are
// diffed and smaller, the file holds whole lists, and carried-over items are frozen.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Trace } from '../../src/kernel/trace.ts';
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

describe('list deltas in the trace', () => {
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
});
