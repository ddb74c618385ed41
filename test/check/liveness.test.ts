/**
 * Goal: liveness flags a device that did not drain after heal, one that needed a manual
 * sync, a 409 loop (answers that reached the device), a client error or hang, and a device with no heal record. Method: the
 * clean run plus one of each; assert the invariant and the witnessing seqs.
 */
import { describe, expect, it } from 'vitest';
import { CONFLICTS_PER_OP_MAX, checkLiveness } from '../../src/check/index.ts';
import { cleanChaos, cleanRun, EDITED, stored, TraceBuilder } from './builder.ts';

describe('liveness', () => {
  it('passes the clean run', () => {
    expect(checkLiveness(cleanRun().builder.build())).toEqual([]);
  });

  it('flags an outbox that did not drain, and a manual nudge (lesser severity)', () => {
    const b = new TraceBuilder();
    const stuck = b.heal('d1', false, true, 5);
    const nudged = b.heal('d2', true, true, 1);
    const violations = checkLiveness(b.build());
    expect(violations.map((violation) => [violation.device, violation.events, violation.actual])).toEqual([
      ['d1', [stuck], 'pending'],
      ['d1', [stuck], 'nudged'],
      ['d2', [nudged], 'nudged'],
    ]);
    expect(violations[2]?.message).toMatch(/lesser severity/);
  });

  it(`flags an op answered 409 more than ${CONFLICTS_PER_OP_MAX} times, not fewer, nor 409s lost on the way`, () => {
    const b = new TraceBuilder();
    const loop: number[] = [];
    for (let i = 0; i <= CONFLICTS_PER_OP_MAX; i++) {
      b.send('d1', `d1#${i}`, '/sync/ops', 'op1');
      b.reject('d1', 'op1', 409);
      loop.push(b.receive('d1', `d1#${i}`, 409));
    }
    for (let i = 0; i < CONFLICTS_PER_OP_MAX; i++) {
      b.send('d2', `d2#${i}`, '/sync/ops', 'op2');
      b.receive('d2', `d2#${i}`, 409);
    }
    for (let i = 0; i < 10; i++) {
      b.send('d3', `d3#${i}`, '/sync/ops', 'op3');
      b.reject('d3', 'op3', 409);
      b.fail('d3', `d3#${i}`, 'ETIMEDOUT');
    }
    expect(checkLiveness(b.build())).toEqual([
      expect.objectContaining({ invariant: 'liveness', device: 'd1', events: loop, actual: CONFLICTS_PER_OP_MAX + 1 }),
    ]);
  });

  it('flags client errors, stray errors and hung calls, not ordinary user errors', () => {
    const b = new TraceBuilder();
    const thrown = b.event('device.error', { device: 'd1', message: 'sync() threw' });
    const stray = b.event('device.error', { message: 'unhandled rejection' });
    const hung = b.event('user.error', { device: 'd2', action: 'update', message: 'timed out', hung: true });
    b.event('user.error', { device: 'd2', action: 'update', message: 'record not found' });
    expect(checkLiveness(b.build()).map((violation) => violation.events)).toEqual([[thrown], [hung], [stray]]);
  });

  it('flags a device with no heal record', () => {
    const { builder: b } = cleanChaos();
    b.heal('d1');
    const final = b.final([stored('r1', EDITED, 2)], { d1: {}, d2: {} });
    expect(checkLiveness(b.build())).toEqual([
      expect.objectContaining({ invariant: 'liveness', device: 'd2', events: [final] }),
    ]);
  });
});
