/**
 * Goal: convergence is judged per subscription. A device that subscribed must show the
 * server's live records its final subscription takes (the widen-keeps-checkpoint mutant's
 * miss is caught), need not show the others, and is not faulted for one it still shows
 * outside it; a device that never subscribed is judged on everything, as before.
 * Method: the clean run's end state with a second server record outside d2's subscription,
 * `sim.final` carrying `subscriptions`; assert the violations.
 */
import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../src/check/index.ts';
import type { LocalRecord, Subscription } from '../../src/client/contract.ts';
import { cleanChaos, EDITED, local, POLICY, stored } from './builder.ts';

const OPEN: Subscription = [{ collection: 'tasks', field: 'done', values: [false] }];
const INSIDE = stored('r1', { ...EDITED, done: false }, 2);
const OUTSIDE = stored('r2', { title: 'd1.w9', done: true }, 1);

function ending(d2: LocalRecord[], subscriptions: Record<string, Subscription | null> | undefined) {
  const { builder: b } = cleanChaos();
  b.at(1_000).event('sim.phase', { phase: 'heal' });
  b.event('sim.phase', { phase: 'check' });
  const all = [local('r1', INSIDE.fields, 2), local('r2', OUTSIDE.fields, 1)];
  const devices = { d1: { records: all, conflicts: [], pending: 0 }, d2: { records: d2, conflicts: [], pending: 0 } };
  b.event('sim.final', {
    policy: POLICY,
    ...(subscriptions === undefined ? {} : { subscriptions }),
    server: [INSIDE, OUTSIDE],
    devices,
  });
  return checkConvergence(b.build());
}

describe('convergence per subscription', () => {
  it('a subscribed device need not show records outside its subscription', () => {
    expect(ending([local('r1', INSIDE.fields, 2)], { d2: OPEN })).toEqual([]);
  });

  it('a subscribed device missing a record of its subscription is caught (a widening that kept its checkpoint)', () => {
    expect(ending([], { d2: OPEN })).toEqual([
      expect.objectContaining({ invariant: 'convergence', device: 'd2', recordId: 'r1', actual: null }),
    ]);
    expect(ending([], { d2: OPEN })[0]?.message).toMatch(/in its subscription/);
  });

  it('a record still shown outside the subscription is not judged', () => {
    const stale = local('r2', { title: 'old', done: true }, 1);
    expect(ending([local('r1', INSIDE.fields, 2), stale], { d2: OPEN })).toEqual([]);
  });

  it('without a subscription (or with null) the device is judged on everything', () => {
    for (const subscriptions of [undefined, { d2: null }]) {
      const violations = ending([local('r1', INSIDE.fields, 2)], subscriptions);
      expect(violations).toEqual([expect.objectContaining({ device: 'd2', recordId: 'r2' })]);
    }
  });
});
