/**
 * @module client/reference/resync
 * Resyncing after the server forgot our cursor (410 `resync-required`, or 409 on a pull as
 * Electric's must-refetch), or after a pull was refused outright: a **sweep**, i.e. pulling
 * `/changes` from the start until `hasMore` is false. A complete sweep hands out the current
 * state of every record the change log still holds, so it is a snapshot; the records it left
 * out that this device holds as live server state are the tombstones compaction purged, and
 * become local tombstones. Pending writes are never touched: they stay in the outbox and go
 * out on their next push (a pulled change waits in the record's shadow meanwhile), and a
 * record with pending ops is never forgotten (the server answers its op with `deleted`).
 *
 * A sweep after a reset is durable (`resync` in the kv table) so a kill restarts it from the
 * start; the set of records seen so far lives in memory, which is why a restart starts over.
 * A first pull (no cursor) is a sweep too, but only for the instance that started it (a
 * device whose first pull never completed may hold records whose tombstones were purged
 * since; if a kill interrupts that first sweep, the device pulls on from its cursor).
 */
import type { ServerRecord } from '../../server/protocol.ts';
import { inSubscription } from '../../server/subscription.ts';
import { type ClientContext, log } from './context.ts';
import { adoptBase, refreshRecord } from './records.ts';
import { currentSubscription } from './subscription.ts';

export const RESYNC_KEY = 'resync';

/** Statuses of a pull that mean "your cursor is gone, start over": 410 Gone, 409 must-refetch. */
export const RESYNC_STATUSES: readonly number[] = [409, 410];

/** Starts a sweep from the next pull on (durably): the cursor is dropped and the flag set. */
export function requireResync(ctx: ClientContext, cursorKey: string): void {
  ctx.store.transaction(() => {
    ctx.store.kvDelete(cursorKey);
    ctx.store.kvSet(RESYNC_KEY, '1');
  });
  ctx.state.sweep = undefined;
}

/** Before a pull: whether it is a sweep, and if so, that it starts from the start. */
export function beginPull(ctx: ClientContext, cursorKey: string): void {
  if (ctx.state.sweep !== undefined) {
    if (ctx.store.kvGet(cursorKey) === ctx.state.sweepCursor) return;
    // Another instance of the app moved the cursor since this sweep's last page (it swept, or
    // pulled on): what this sweep saw no longer tells what the feed holds. Its sweep counts.
    ctx.state.sweep = undefined;
  }
  const flagged = ctx.store.kvGet(RESYNC_KEY) !== undefined;
  if (!flagged && ctx.store.kvGet(cursorKey) !== undefined) return;
  // A flagged sweep this instance did not start (a kill came in between) starts over. A first
  // pull (no cursor, no flag) is a sweep of this instance only: a kill ends it like any pull.
  if (flagged) ctx.store.kvDelete(cursorKey);
  ctx.state.sweep = new Set();
  ctx.state.sweepCursor = ctx.store.kvGet(cursorKey);
}

/** Notes the records of a page the sweep handed out, and the cursor its page left. */
export function sweepSaw(ctx: ClientContext, changes: readonly ServerRecord[], cursorKey: string): void {
  const seen = ctx.state.sweep;
  if (seen === undefined) return;
  ctx.state.sweepCursor = ctx.store.kvGet(cursorKey);
  for (const change of changes) seen.add(`${change.collection}/${change.id}`);
}

/**
 * The sweep reached the end of the feed: records held as live server state that it never
 * handed out were deleted and purged; they become tombstones one rev past the last one seen
 * (never above the real tombstone's rev, so a later restore still applies).
 */
export function finishSweep(ctx: ClientContext): void {
  const seen = ctx.state.sweep;
  if (seen === undefined) return;
  ctx.state.sweep = undefined;
  let forgotten = 0;
  const subscription = currentSubscription(ctx);
  ctx.store.transaction(() => {
    for (const key of ctx.store.liveBaseKeys()) {
      if (seen.has(key)) continue;
      const slash = key.indexOf('/');
      const [collection, id] = [key.slice(0, slash), key.slice(slash + 1)];
      const row = ctx.store.record(collection, id);
      if (row === undefined || row.rev === null || ctx.store.opsFor(collection, id).length > 0) continue;
      // Outside the subscription the sweep hands nothing out: such a record is pruned, not deleted.
      if (row.baseFields !== null && !inSubscription(subscription, collection, row.baseFields)) continue;
      const tombstone: ServerRecord = {
        collection,
        id,
        rev: row.rev + 1,
        updatedAtServer: row.serverUpdatedAt ?? 0,
        deleted: true,
        fields: {},
      };
      adoptBase(ctx, tombstone);
      refreshRecord(ctx, collection, id);
      forgotten++;
    }
    ctx.store.kvDelete(RESYNC_KEY);
  });
  if (forgotten > 0) log(ctx, 'resync-forgot', { records: forgotten });
}
