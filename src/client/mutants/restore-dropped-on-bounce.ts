/**
 * @module client/mutants/restore-dropped-on-bounce
 * Bug: when the user resolves an edit-versus-delete conflict by keeping their version, the
 * client sends a restore; if the server bounces it with a 409 the client gives up on the
 * restore and quietly takes the server's tombstone. The user's decision is dropped, and no
 * conflict tells them so.
 */
import { adoptBase, REFERENCE_HOOKS, refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const restoreDroppedOnBounce = defineMutant({
  name: 'restore-dropped-on-bounce',
  description: 'Drops a restore (a kept version after a delete) the server bounced with 409, taking the tombstone.',
  invariant: 'resolutions-honoured',
  options: {
    hooks: {
      onConflict(ctx, row, body) {
        if (row.kind !== 'create' || !body.current.deleted) return REFERENCE_HOOKS.onConflict(ctx, row, body);
        for (const op of ctx.store.opsFor(row.collection, row.recordId)) ctx.store.deleteOp(op.seq);
        adoptBase(ctx, body.current);
        refreshRecord(ctx, row.collection, row.recordId);
      },
    },
  },
});
