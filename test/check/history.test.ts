/**
 * Goal: buildHistory validates the events the checkers read and indexes them per device,
 * per record and per op. Method: build small traces by hand and inspect the indexes; feed
 * malformed events and assert the AssertionError names the seq, type and field.
 */
import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/check/index.ts';
import { AssertionError } from '../../src/kernel/assert.ts';
import { cleanRun, local, TraceBuilder } from './builder.ts';

describe('buildHistory', () => {
  it('indexes writes, applies and views per device, record and op', () => {
    const { builder, seqs } = cleanRun();
    const history = builder.build();
    expect(history.devices).toEqual(['d1', 'd2']);
    expect(history.writes.map((write) => write.seq)).toEqual([seqs.create, seqs.update]);
    const record = history.byRecord.get('tasks/r1');
    expect(record?.applies.map((apply) => apply.seq)).toEqual([seqs.apply1, seqs.apply2]);
    expect(record?.writes.map((write) => write.type)).toEqual(['user.create', 'user.update']);
    expect(record?.final?.rev).toBe(2);
    expect(history.byOp.get('op2')?.applies[0]?.device).toBe('d2');
    expect(history.byDevice.get('d1')?.sends).toHaveLength(1);
    expect(history.byDevice.get('d1')?.applies.map((apply) => apply.opId)).toEqual(['op1']);
    expect(history.final?.seq).toBe(seqs.final);
    expect(history.heals).toHaveLength(2);
  });

  it('synthesizes a final view from sim.final unless the device recorded one', () => {
    const b = new TraceBuilder();
    const shown = b.view('d1', 'final', [local('r1', {}, 1)]);
    const final = b.final([], { d1: { records: [local('r1', {}, 1)] }, d2: { records: [] } });
    const history = b.build();
    expect(history.byDevice.get('d1')?.views.map((view) => view.seq)).toEqual([shown]);
    const d2 = history.byDevice.get('d2')?.views;
    expect(d2).toHaveLength(1);
    expect(d2?.[0]).toMatchObject({ seq: final, reason: 'final', synthesized: true });
  });

  it('keeps events of other types in events but does not check them', () => {
    const b = new TraceBuilder();
    b.event('client.push', { device: 'd1', whatever: 1 });
    b.event('net.deliver', { device: 'd1', requestId: 'd1#1', copy: 0 });
    const history = b.build();
    expect(history.events).toHaveLength(2);
    expect(history.checked).toHaveLength(0);
  });

  it('routes server automation to records and ops, not to a device', () => {
    const b = new TraceBuilder();
    b.apply({ device: 'server', opId: 'auto-1', id: 'r1', revAfter: 1, fields: {} });
    const history = b.build();
    expect(history.devices).toEqual([]);
    expect(history.byRecord.get('tasks/r1')?.applies).toHaveLength(1);
  });

  it('rejects a user.update without seen, naming seq, type and field', () => {
    const b = new TraceBuilder();
    b.create('d1', 'r1', {});
    b.event('user.update', { device: 'd1', collection: 'tasks', id: 'r1', patch: [] });
    expect(() => b.build()).toThrow(AssertionError);
    expect(() => b.build()).toThrow(/trace event 1 \(user\.update\): 'seen'/);
  });

  it('rejects a server.apply whose revAfter is not a number', () => {
    const b = new TraceBuilder();
    b.event('server.apply', {
      device: 'd1',
      opId: 'o',
      collection: 'c',
      id: 'i',
      kind: 'create',
      revBefore: 0,
      revAfter: '1',
      deleted: false,
      fields: {},
    });
    expect(() => b.build()).toThrow(/'revAfter' must be a finite number/);
  });

  it('rejects a device.view with an unknown reason and a sim.final with a malformed device', () => {
    const views = new TraceBuilder();
    views.event('device.view', { device: 'd1', reason: 'later', records: [], pending: 0, conflicts: [] });
    expect(() => views.build()).toThrow(/'reason' must be one of/);
    const finals = new TraceBuilder();
    finals.event('sim.final', { policy: { default: 'manual' }, server: [], devices: { d1: { records: [] } } });
    expect(() => finals.build()).toThrow(/device 'd1' is not/);
  });

  it('accepts a device.error without a device as a stray error', () => {
    const b = new TraceBuilder();
    b.event('device.error', { message: 'unhandled rejection' });
    expect(b.build().strayErrors).toHaveLength(1);
  });

  it('rejects traces out of seq order and a second sim.final', () => {
    expect(() =>
      buildHistory([
        { seq: 1, t: 0, type: 'sim.phase', phase: 'chaos' },
        { seq: 0, t: 0, type: 'sim.phase', phase: 'heal' },
      ]),
    ).toThrow(/out of order/);
    const b = new TraceBuilder();
    b.final([], {});
    b.final([], {});
    expect(() => b.build()).toThrow(/second sim\.final/);
  });
});
