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
 * True when, at some point between `from` and `until`, the device may have dropped the record
 * because it was outside the subscription the device then had:
 * - at `from` and at every change of the record in between, the server held it live and
 *   outside the device's subscription of that moment;
 * - at every subscription change of the device in between, any version the server applied
 *   after `from` (the device's own write, then others' changes) is live and outside the new
 *   subscription: the device judges by its own copy, which may be any of them (it may not
 *   have pulled the later ones yet). Versions from before its write are not its copy.
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
  const outside = (version: (typeof record.applies)[number] | undefined, point: number) =>
    version !== undefined &&
    !version.deleted &&
    !inSubscription(subscriptionAt(history, device, point + 1), version.collection, version.fields);
  for (const point of [from, ...record.applies.map((apply) => apply.seq)]) {
    if (point < from || point >= until) continue;
    if (
      outside(
        record.applies.findLast((apply) => apply.seq <= point),
        point,
      )
    )
      return true;
  }
  for (const event of history.events) {
    if (event.seq >= until) break;
    if (event.type !== 'user.subscribe' || event.device !== owner || event.seq <= from) continue;
    const subscription = subscriptionAt(history, device, event.seq + 1);
    const held = record.applies.filter((apply) => apply.seq > from && apply.seq <= event.seq);
    if (held.some((version) => !version.deleted && !inSubscription(subscription, version.collection, version.fields)))
      return true;
  }
  return false;
}
