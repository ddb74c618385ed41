/**
 * @module client/mutants/restore-dropped-on-bounce
 * Bug: when the user resolves an edit-versus-delete conflict by keeping their version, the
 * client sends a restore; if that restore bounces (a 409, or a failed attempt that ends the
 * sync run) the client gives up on it and quietly keeps the server's tombstone. The user's
 * decision is dropped, and no conflict tells them so.
 */
import type { ClientContext, OutboxRow } from '../reference/index.ts';
import { adoptBase, REFERENCE_HOOKS, refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

/** How many outbox rows a failed run looks through for restores. */
const OUTBOX_SCAN_MAX = 1_000;

/** A create made on a tombstone's rev: the restore a kept version sends. */
function isRestore(row: OutboxRow): boolean {
  return row.kind === 'create' && row.baseRev !== null;
}

/** Drops the record's ops; what is left is the server state it is based on (the tombstone). */
function dropRestore(ctx: ClientContext, row: OutboxRow): void {
  for (const op of ctx.store.opsFor(row.collection, row.recordId)) ctx.store.deleteOp(op.seq);
  refreshRecord(ctx, row.collection, row.recordId);
}

export const restoreDroppedOnBounce = defineMutant({
  name: 'restore-dropped-on-bounce',
  description: 'Gives up a restore (a version kept after a delete) that bounced, keeping the tombstone.',
  invariant: 'resolutions-honoured',
  // The fuzzer reaches it through review moments (sim/generate-reviews) and the bounce of
  // the device's next request after some of them (sim/review-bounces).
  options: {
    hooks: {
      onConflict(ctx, row, body) {
        if (!isRestore(row) || !body.current.deleted) return REFERENCE_HOOKS.onConflict(ctx, row, body);
        adoptBase(ctx, body.current);
        dropRestore(ctx, row);
      },
      retryDelayMs(ctx, failure, failures) {
        ctx.store.transaction(() => {
          for (const row of ctx.store.headOps(OUTBOX_SCAN_MAX))
            if (isRestore(row) && row.state === 'in-flight') dropRestore(ctx, row);
        });
        return REFERENCE_HOOKS.retryDelayMs(ctx, failure, failures);
      },
    },
  },
});
