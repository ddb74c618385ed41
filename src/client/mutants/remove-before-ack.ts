/**
 * @module client/mutants/remove-before-ack
 * Bug: the outbox row is deleted when the request is sent ("it's on its way"), not when
 * the server has answered. A request that is lost, refused or cut off takes the write
 * with it: nothing is left to retry.
 */
import { refreshRecord } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const removeBeforeAck = defineMutant({
  name: 'remove-before-ack',
  description: 'Removes the outbox row before the server answered; a lost request loses the write.',
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      beforeSend(ctx, row) {
        ctx.store.deleteOp(row.seq);
        refreshRecord(ctx, row.collection, row.recordId);
      },
    },
  },
});
