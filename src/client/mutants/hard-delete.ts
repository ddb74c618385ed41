/**
 * @module client/mutants/hard-delete
 * Bug: deleted records are removed from the local database instead of being kept as
 * tombstones (once the server confirmed the delete, or when a pulled change says deleted).
 * With no tombstone there is no rev to compare with, so an older copy of the record that
 * arrives later (a lagging replica, a replayed page) brings it back to life.
 */
import { decideRemote } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const hardDelete = defineMutant({
  name: 'hard-delete',
  description: 'Removes deleted records outright (no tombstone), so an older copy pulled later resurrects them.',
  invariant: 'no-resurrection',
  options: {
    hooks: {
      afterApplied(ctx, row) {
        if (row.kind === 'delete') ctx.store.deleteRecord(row.collection, row.recordId);
      },
      remoteDecision(ctx, local, remote, pendingOps) {
        if (!remote.deleted || pendingOps > 0) return decideRemote(ctx, local, remote, pendingOps);
        ctx.store.deleteRecord(remote.collection, remote.id);
        return 'skip';
      },
    },
  },
});
