/**
 * @module client/mutants/lww-device-clock
 * Bug: on a 409 the client settles the conflict by comparing its own wall clock (when the
 * local write was made) with the server's update time: the later one wins, the other is
 * dropped without a trace. A device whose clock runs behind loses its writes silently,
 * though it declares those fields `manual` (no acceptable loss).
 */
import { adoptBase, refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const lwwDeviceClock = defineMutant({
  name: 'lww-device-clock',
  description:
    'Resolves a 409 by last-writer-wins on the device clock; a device with a slow clock silently loses writes.',
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      onConflict(ctx, row, body) {
        if (row.createdAt > body.current.updatedAtServer) {
          // "Mine is newer": resend on the server's rev, overwriting whatever it holds.
          ctx.store.updateOp({
            ...row,
            opId: ctx.env.uuid(),
            baseRev: body.current.rev,
            attemptCount: 0,
            state: 'pending',
          });
          return;
        }
        // "Theirs is newer": drop the local write and take the server's record.
        for (const op of ctx.store.opsFor(row.collection, row.recordId)) ctx.store.deleteOp(op.seq);
        adoptBase(ctx, body.current);
        refreshRecord(ctx, row.collection, row.recordId);
      },
    },
  },
});
