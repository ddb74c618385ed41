/**
 * @module client/mutants/server-assigned-ids
 * Bug: records get their id from the server. A create goes out without a client-minted id
 * (modelled as a fresh id and key per attempt, as a plain `POST /records` would get) and
 * the local record takes the id of the answer. A create whose answer was lost is created
 * again on retry: two server records for one local create.
 */
import { REFERENCE_HOOKS, refreshRecord, syncOpOf } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const serverAssignedIds = defineMutant({
  name: 'server-assigned-ids',
  description:
    'Lets each create attempt get a new id (as if the server assigned it); a retried create duplicates the record.',
  invariant: 'no-duplicates',
  options: {
    hooks: {
      wireOp(ctx, row) {
        if (row.kind !== 'create') return REFERENCE_HOOKS.wireOp(ctx, row);
        const opId = ctx.env.uuid();
        return { op: { ...syncOpOf(row), opId, id: ctx.env.uuid() }, key: opId };
      },
      afterApplied(ctx, row, record) {
        if (row.kind !== 'create' || record === null || record.id === row.recordId) return;
        // Adopt the server's id: the local record and its later ops move to it.
        ctx.store.deleteRecord(row.collection, row.recordId);
        ctx.store.moveOps(row.collection, row.recordId, record.id);
        refreshRecord(ctx, row.collection, record.id);
      },
    },
  },
});
