/**
 * @module client/reference/subscription
 * The device's subscription (partial sync, server/subscription.ts), kept in the kv table so
 * every instance of the app and every incarnation pulls with the same one.
 * - Widening (the new subscription takes a record the old one did not): the records of the
 *   new part may have changed long before the cursor, so a pull from the cursor would never
 *   hand them out. The reference drops the cursor and sweeps from the start with the new
 *   subscription (resync.ts), in the same transaction as the change: a kill cannot keep the
 *   new subscription with the old cursor.
 * - Narrowing: records the subscription no longer takes are dropped from the device, unless
 *   they have pending writes or open conflicts: those stay until their writes are through
 *   (the pending write still reaches the server), and go on the next prune.
 * - A pulled moved-out change (the record left the subscription on the server) drops the
 *   record the same way.
 */
import type { ServerRecord } from '../../server/protocol.ts';
import { inSubscription, type Subscription, subscriptionCovers } from '../../server/subscription.ts';
import { type ClientContext, logApp } from './context.ts';

export const SUBSCRIPTION_KEY = 'subscription';

/** The stored subscription (undefined: none, the device syncs everything). */
export function currentSubscription(ctx: ClientContext): Subscription | undefined {
  const text = ctx.store.kvGet(SUBSCRIPTION_KEY);
  return text === undefined ? undefined : (JSON.parse(text) as Subscription);
}

/** Whether the record may leave the device now: nothing pending on it, no open conflict. */
function droppable(ctx: ClientContext, collection: string, id: string): boolean {
  return ctx.store.opsFor(collection, id).length === 0 && ctx.store.conflictsFor(collection, id).length === 0;
}

/**
 * Drops the live records the subscription does not take (tombstones stay: they keep the rev
 * guard against a late older delta). Call inside a transaction. Returns how many went.
 */
export function pruneOutside(ctx: ClientContext): number {
  const subscription = currentSubscription(ctx);
  if (subscription === undefined) return 0;
  let dropped = 0;
  for (const row of ctx.store.liveRecords()) {
    if (inSubscription(subscription, row.collection, row.fields)) continue;
    if (!droppable(ctx, row.collection, row.id)) continue;
    ctx.store.deleteRecord(row.collection, row.id);
    dropped++;
  }
  return dropped;
}

/** A pulled moved-out change: drops the record unless it holds a newer state or pending work. */
export function applyMovedOut(ctx: ClientContext, change: ServerRecord): void {
  const local = ctx.store.record(change.collection, change.id);
  if (local === undefined) return;
  if (local.rev !== null && local.rev > change.rev) return;
  if (!droppable(ctx, change.collection, change.id)) return;
  ctx.store.deleteRecord(change.collection, change.id);
}

/**
 * Changes the subscription (null: everything). A widening calls the `subscriptionWidened`
 * hook (the reference: a sweep from the start); then whatever the new one excludes is pruned.
 */
export function changeSubscription(ctx: ClientContext, next: Subscription | null): void {
  let widened = false;
  let dropped = 0;
  ctx.store.transaction(() => {
    const previous = currentSubscription(ctx);
    widened = !subscriptionCovers(previous, next);
    if (next === null) ctx.store.kvDelete(SUBSCRIPTION_KEY);
    else ctx.store.kvSet(SUBSCRIPTION_KEY, JSON.stringify(next));
    if (widened) ctx.hooks.subscriptionWidened(ctx);
    dropped = pruneOutside(ctx);
  });
  logApp(ctx, 'subscribe', { subscription: next, widened, dropped });
}
