/**
 * @module check/subscriptions
 * Which records a device syncs at a point of the run (partial sync): the subscription its
 * last `user.subscribe` before that point set (none: everything). A record outside it may
 * leave the device at any time, so the checkers that expect a device to show a record
 * (durability, convergence, stuck downloads) excuse one the server held outside it.
 */
import type { Subscription } from '../server/subscription.ts';
import { inSubscription } from '../server/subscription.ts';
import type { History } from './history.ts';
import { storageDevice } from './instances.ts';
import type { RecordKey } from './values.ts';

/** The subscription of `device` (or of the device an instance belongs to) just before `seq`. */
export function subscriptionAt(history: History, device: string, seq: number): Subscription | null | undefined {
  const owner = storageDevice(history, device);
  let current: Subscription | null | undefined;
  for (const event of history.events) {
    if (event.seq >= seq) break;
    if (event.type === 'user.subscribe' && event.device === owner) current = event.subscription as Subscription | null;
  }
  return current;
}

/**
 * True when, at some point between `from` and `until`, the server held the record live and
 * outside the subscription `device` had then: the device may have dropped it. The points
 * looked at: `from`, every change of the record and every subscription change of the device
 * in between.
 */
export function leftSubscription(
  history: History,
  device: string,
  key: RecordKey,
  from: number,
  until: number,
): boolean {
  const record = history.byRecord.get(key);
  if (record === undefined) return false;
  const owner = storageDevice(history, device);
  const points = [from, ...record.applies.map((apply) => apply.seq)];
  for (const event of history.events) {
    if (event.seq >= until) break;
    if (event.type === 'user.subscribe' && event.device === owner && event.seq > from) points.push(event.seq);
  }
  for (const point of points) {
    if (point < from || point >= until) continue;
    const version = record.applies.findLast((apply) => apply.seq <= point);
    if (version === undefined || version.deleted) continue;
    if (!inSubscription(subscriptionAt(history, device, point + 1), version.collection, version.fields)) return true;
  }
  return false;
}
