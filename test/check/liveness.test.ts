/**
 * Goal: liveness flags a device that did not drain after heal, one that needed a manual
 * sync, a 409 loop, a client error or hang, and a device with no heal record. Method: the
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

  it(`flags an op refused with 409 more than ${CONFLICTS_PER_OP_MAX} times, not one refused that often`, () => {
    const b = new TraceBuilder();
    const loop = Array.from({ length: CONFLICTS_PER_OP_MAX + 1 }, () => b.reject('d1', 'op1', 409));
    for (let i = 0; i < CONFLICTS_PER_OP_MAX; i++) b.reject('d2', 'op2', 409);
    b.reject('d2', 'op2', 503, 'server-error');
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
    expect(checkLiveness(b.build())).toEqual([expect.objectContaining({ invariant: 'liveness', device: 'd2', events: [final] })]);
  });
});
