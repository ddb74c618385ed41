/**
 * Goal: durability's excuse for a record that left a device's subscription
 * (`leftSubscription`) covers a device judging by a copy older than the server's (partial
 * seed 239) and nothing older than the device's own write.
 * Method: hand-made histories: a device writes a task, a version of it is applied, the
 * device narrows its subscription to done tasks; assert whether the drop is excused.
 */
import { describe, expect, it } from 'vitest';
import { leftSubscription } from '../../src/check/subscriptions.ts';
import { recordKey } from '../../src/check/values.ts';
import { COLLECTION, TraceBuilder } from './builder.ts';

const DONE = [{ collection: COLLECTION, field: 'done', values: [true] }];
const KEY = recordKey(COLLECTION, 'r1');

describe('leftSubscription at a subscription change', () => {
  it('excuses a drop judged by the device own version when a later one is inside (partial seed 239)', () => {
    const b = new TraceBuilder();
    const write = b.create('d2', 'r1', { done: false });
    b.apply({ device: 'd2', opId: 'o1', id: 'r1', revAfter: 1, fields: { done: false } });
    b.apply({ device: 'd3', opId: 'o2', id: 'r1', revAfter: 2, fields: { done: true } });
    b.event('user.subscribe', { device: 'd2', subscription: DONE });
    const until = b.event('sim.phase', { phase: 'check' });
    expect(leftSubscription(b.build(), 'd2', KEY, write, until)).toBe(true);
  });

  it('does not excuse dropping the device own acknowledged write that is inside, for an older version', () => {
    const b = new TraceBuilder();
    b.apply({ device: 'd1', opId: 'o1', id: 'r1', revAfter: 1, fields: { done: false } });
    const write = b.update('d2', 'r1', [{ op: 'set', field: 'done', value: true }], null);
    b.apply({ device: 'd2', opId: 'o2', id: 'r1', revAfter: 2, fields: { done: true } });
    b.event('user.subscribe', { device: 'd2', subscription: DONE });
    const until = b.event('sim.phase', { phase: 'check' });
    expect(leftSubscription(b.build(), 'd2', KEY, write, until)).toBe(false);
  });
});
