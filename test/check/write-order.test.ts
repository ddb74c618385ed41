/**
 * Goal: write-order catches a device's writes applied twice, out of order, or meeting each
 * other as a conflict, counts a device's further app instances (`d#n`) as the device, and
 * stays quiet on what is not its concern (another device's restore, writes of different
 * devices). Method: hand-made histories; each test asserts the violations and witnesses.
 */
import { describe, expect, it } from 'vitest';
import { checkWriteOrder } from '../../src/check/index.ts';
import { local, TraceBuilder } from './builder.ts';

const ID = 'r1';
const set = (field: string, value: string) => [{ op: 'set' as const, field, value }];

/** Device A (and its instance A#2) with one record; returns the builder and the create's seq. */
function withRecord(): TraceBuilder {
  const trace = new TraceBuilder();
  trace.event('device.start', { device: 'A', incarnation: 0 });
  trace.event('device.start', { device: 'A#2', incarnation: 0, of: 'A', instance: 2 });
  trace.create('A', ID, { title: 'A.s0.title' });
  trace.apply({ device: 'A', opId: 'op0', id: ID, revAfter: 1, fields: { title: 'A.s0.title' } });
  return trace;
}

describe('write-order', () => {
  it('holds when a device and its instance are applied in the order they wrote', () => {
    const trace = withRecord();
    trace.update('A', ID, set('title', 'A.s1.title'), local(ID, { title: 'A.s0.title' }, 1));
    trace.update('A#2', ID, set('title', 'A#2.s2.title'), local(ID, { title: 'A.s1.title' }, 1, 'pending'));
    trace.apply({ device: 'A', opId: 'op1', id: ID, revAfter: 2, fields: { title: 'A.s1.title' } });
    trace.apply({ device: 'A', opId: 'op2', id: ID, revAfter: 3, fields: { title: 'A#2.s2.title' } });
    expect(checkWriteOrder(trace.build())).toEqual([]);
  });

  it("names both writes and both applies when an instance's later write lands first", () => {
    const trace = withRecord();
    const first = trace.update('A', ID, set('title', 'A.s1.title'), local(ID, { title: 'A.s0.title' }, 1));
    const second = trace.update('A#2', ID, set('title', 'A#2.s2.title'), local(ID, { title: 'A.s1.title' }, 1));
    const early = trace.apply({ device: 'A', opId: 'op2', id: ID, revAfter: 2, fields: { title: 'A#2.s2.title' } });
    const late = trace.apply({ device: 'A', opId: 'op1', id: ID, revAfter: 3, fields: { title: 'A.s1.title' } });
    const violations = checkWriteOrder(trace.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      invariant: 'write-order',
      device: 'A',
      events: [first, second, early, late],
    });
    expect(violations[0]?.message).toContain('lost to its earlier one');
  });

  it('reports a value the device applies again after it was replaced', () => {
    const trace = withRecord();
    trace.update('A', ID, set('title', 'A.s1.title'), local(ID, { title: 'A.s0.title' }, 1));
    const once = trace.apply({ device: 'A', opId: 'op1', id: ID, revAfter: 2, fields: { title: 'A.s1.title' } });
    trace.apply({ device: 'B', opId: 'opB', id: ID, revAfter: 3, fields: { title: 'B.s2.title' } });
    const again = trace.apply({ device: 'A', opId: 'op1b', id: ID, revAfter: 4, fields: { title: 'A.s1.title' } });
    const violations = checkWriteOrder(trace.build());
    expect(violations.map((found) => found.message.includes('twice'))).toEqual([true]);
    expect(violations[0]?.events).toEqual(expect.arrayContaining([once, again]));
  });

  it("does not count another device's restore, nor a restore after a delete, as a second application", () => {
    const trace = withRecord();
    trace.apply({ device: 'B', opId: 'opB', id: ID, revAfter: 2, fields: { title: 'B.s1.title' } });
    trace.apply({ device: 'C', opId: 'opC', id: ID, revAfter: 3, fields: { title: 'A.s0.title' } });
    trace.apply({ device: 'A', opId: 'opD', id: ID, revAfter: 4, deleted: true, fields: {} });
    trace.apply({ device: 'A', opId: 'opR', id: ID, revAfter: 5, fields: { title: 'A.s0.title' } });
    expect(checkWriteOrder(trace.build())).toEqual([]);
  });

  it("reports a conflict between two of the device's own writes, once", () => {
    const trace = withRecord();
    const first = trace.update('A', ID, set('title', 'A.s1.title'), local(ID, { title: 'A.s0.title' }, 1));
    const second = trace.event('user.update', {
      device: 'A',
      instance: 2,
      collection: 'tasks',
      id: ID,
      patch: set('title', 'A#2.s2.title'),
      seen: local(ID, { title: 'A.s1.title' }, 1),
    });
    trace.apply({ device: 'A', opId: 'op1', id: ID, revAfter: 2, fields: { title: 'A.s1.title' } });
    const conflict = {
      id: 'c1',
      collection: 'tasks',
      recordId: ID,
      field: 'title',
      local: 'A#2.s2.title',
      remote: 'A.s1.title',
    };
    trace.view('A#2', 'step', [local(ID, { title: 'A#2.s2.title' }, 2, 'needs-review')], 1, [conflict]);
    const view = trace.view('A', 'step', [local(ID, { title: 'A#2.s2.title' }, 2, 'needs-review')], 1, [conflict]);
    const violations = checkWriteOrder(trace.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ device: 'A', events: [first, second, view] });
  });

  it('leaves a conflict between two devices to the other invariants', () => {
    const trace = withRecord();
    trace.update('A', ID, set('title', 'A.s1.title'), local(ID, { title: 'A.s0.title' }, 1));
    trace.update('B', ID, set('title', 'B.s2.title'), local(ID, { title: 'A.s0.title' }, 1));
    const conflict = {
      id: 'c1',
      collection: 'tasks',
      recordId: ID,
      field: 'title',
      local: 'A.s1.title',
      remote: 'B.s2.title',
    };
    trace.view('A', 'step', [local(ID, { title: 'A.s1.title' }, 1, 'needs-review')], 1, [conflict]);
    expect(checkWriteOrder(trace.build())).toEqual([]);
  });
});
