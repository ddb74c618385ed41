/**
 * @module client/mutants/synced-on-send
 * Bug: a record is marked `synced` as soon as its op is sent, not when the server answers.
 * The outbox still holds the op and retries it, so nothing is lost and the pending count is
 * right; but while the request is lost, refused or the device is offline, the app tells its
 * user the change is safe on the server when it is not.
 */
import { REFERENCE_HOOKS } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const syncedOnSend = defineMutant({
  name: 'synced-on-send',
  description: 'Marks a record synced when its op is sent, not when the server acknowledged it.',
  invariant: 'status-honesty',
  options: {
    hooks: {
      beforeSend(ctx, row) {
        REFERENCE_HOOKS.beforeSend(ctx, row);
        const record = ctx.store.record(row.collection, row.recordId);
        if (record !== undefined && !record.deleted) ctx.store.putRecord({ ...record, status: 'synced' });
      },
    },
  },
});
