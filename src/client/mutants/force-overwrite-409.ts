/**
 * @module client/mutants/force-overwrite-409
 * Bug: on a 409 the client takes the server's rev as its new base and resends its op as
 * it is, without merging ("retry with the fresh rev"). A concurrent change to the same
 * field is overwritten by a writer that never saw it, and nobody is asked.
 */
import { adoptBase, refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const forceOverwrite409 = defineMutant({
  name: 'force-overwrite-409',
  description: "Answers a 409 by resending the op on the server's rev without a merge, overwriting concurrent changes.",
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      onConflict(ctx, row, body) {
        if (body.current.deleted) return;
        ctx.store.updateOp({
          ...row,
          opId: ctx.env.uuid(),
          kind: 'update',
          baseRev: body.current.rev,
          attemptCount: 0,
          state: 'pending',
        });
        adoptBase(ctx, body.current);
        refreshRecord(ctx, row.collection, row.recordId);
      },
    },
  },
});
