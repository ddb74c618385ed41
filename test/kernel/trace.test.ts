// Goal: the trace is an exact, hashable record. Method: record the same events into two
// traces and compare hashes; change one field, the order, or the time, and the hash changes;
// read the kept events and the JSON lines back.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Trace } from '../../src/kernel/trace.ts';

function traceOf(events: [number, string, Record<string, unknown>][]): Trace {
  let now = 0;
  const trace = new Trace({ now: () => now });
  for (const [time, type, data] of events) {
    now = time;
    trace.record(type, data);
  }
  return trace;
}

const SCRIPT: [number, string, Record<string, unknown>][] = [
  [0, 'net.send', { device: 'A', requestId: 'A#1', method: 'POST', path: '/sync/ops' }],
  [10, 'net.deliver', { device: 'A', requestId: 'A#1', copy: 0 }],
  [20, 'net.receive', { device: 'A', requestId: 'A#1', status: 200 }],
];

describe('Trace', () => {
  test('the same events give the same hash, stable across instances', () => {
    const hash = traceOf(SCRIPT).hash();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(traceOf(SCRIPT).hash()).toBe(hash);
  });

  test('the hash changes with a field, the order of events, or the virtual time', () => {
    const hash = traceOf(SCRIPT).hash();
    const changedField = SCRIPT.map(
      ([t, type, data]) => [t, type, { ...data, device: 'B' }] as (typeof SCRIPT)[number],
    );
    expect(traceOf(changedField).hash()).not.toBe(hash);
    expect(traceOf([SCRIPT[1]!, SCRIPT[0]!, SCRIPT[2]!]).hash()).not.toBe(hash);
    const shifted = SCRIPT.map(([t, type, data]) => [t + 1, type, data] as (typeof SCRIPT)[number]);
    expect(traceOf(shifted).hash()).not.toBe(hash);
    expect(traceOf(SCRIPT.slice(0, 2)).hash()).not.toBe(hash);
  });

  test('hash() can be read mid-run and keeps growing', () => {
    const trace = traceOf(SCRIPT.slice(0, 2));
    const partial = trace.hash();
    expect(trace.hash()).toBe(partial);
    trace.record('net.receive', { device: 'A', requestId: 'A#1', status: 200 });
    expect(trace.hash()).not.toBe(partial);
  });

  test('the hash is the sha256 of the JSON lines, small and large, however they are hashed', () => {
    let now = 0;
    const trace = new Trace({ now: () => now });
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(trace.hash()).toBe(sha256(''));
    for (let index = 0; index < 3_000; index++) {
      now = index;
      // Every 500th line is ~100 KB (a view at 1,000 devices is ~17 KB on average).
      trace.record('tick', index % 500 === 0 ? { index, big: 'x'.repeat(100_000 + index) } : { index });
      if (index === 1_500) expect(trace.hash()).toBe(sha256(trace.toJsonLines()));
    }
    expect(trace.hash()).toBe(sha256(trace.toJsonLines()));
    expect(trace.toJsonLines().split('\n')).toHaveLength(3_001);
  });

  test('events carry seq and t, and read back exactly as hashed', () => {
    const trace = traceOf([...SCRIPT, [30, 'x', { dropped: undefined, kept: [1, { a: null }] }]]);
    const events = trace.events();
    expect(events.map((event) => [event.seq, event.t, event.type])).toEqual([
      [0, 0, 'net.send'],
      [1, 10, 'net.deliver'],
      [2, 20, 'net.receive'],
      [3, 30, 'x'],
    ]);
    expect(events[3]).toEqual({ seq: 3, t: 30, type: 'x', kept: [1, { a: null }] });
    expect('dropped' in (events[3] as object)).toBe(false);
    expect(trace.length).toBe(4);
    const lines = trace.toJsonLines();
    expect(lines.split('\n')).toHaveLength(5);
    expect(
      lines
        .split('\n')
        .slice(0, 4)
        .map((line) => JSON.parse(line)),
    ).toEqual(events);
  });

  test('keep: false hashes the same without keeping events; file streams the lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncstorm-trace-'));
    const file = join(dir, 'trace.jsonl');
    let now = 0;
    const trace = new Trace({ now: () => now, keep: false, file });
    for (const [time, type, data] of SCRIPT) {
      now = time;
      trace.record(type, data);
    }
    trace.close();
    expect(trace.hash()).toBe(traceOf(SCRIPT).hash());
    expect(trace.events()).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(traceOf(SCRIPT).toJsonLines());
  });
});

describe('Trace stamps', () => {
  // Goal: a producer's data cannot overwrite the stamp. Method: record data carrying its own
  // seq, t and type; the event keeps the trace's.
  test('data cannot overwrite seq, t or type', () => {
    const trace = new Trace({ now: () => 7 });
    trace.record('first');
    const event = trace.record('client.log', { seq: 99, t: -1, type: 'forged', extra: 1 });
    expect(event).toMatchObject({ seq: 1, t: 7, type: 'client.log', extra: 1 });
    expect(trace.events()[1]).toMatchObject({ seq: 1, t: 7, type: 'client.log' });
  });
});
