/**
 * @module client/mutants/drop-outbox-on-401
 * Bug: a 401 is handled like a logout: the local queue is cleared before the token is
 * refreshed ("stale session, start clean"). The request in hand is retried, every other
 * queued write is gone.
 */
import { refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

/** Bound on rows wiped at once (the outbox is never larger in any run). */
const WIPE_ROWS_MAX = 100_000;

export const dropOutboxOn401 = defineMutant({
  name: 'drop-outbox-on-401',
  description: 'Clears the outbox when a 401 arrives; queued writes are lost with the expired session.',
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      onUnauthorized(ctx) {
        ctx.store.transaction(() => {
          for (const row of ctx.store.headOps(WIPE_ROWS_MAX)) {
            ctx.store.deleteOp(row.seq);
            refreshRecord(ctx, row.collection, row.recordId);
          }
        });
      },
    },
  },
});
