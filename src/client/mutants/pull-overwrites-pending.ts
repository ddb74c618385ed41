/**
 * @module client/mutants/pull-overwrites-pending
 * Bug: a pulled change replaces the local record even when it has local edits not yet
 * sent ("the server's copy is the truth"); the pending edits are discarded with it.
 */
import { isNewer } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const pullOverwritesPending = defineMutant({
  name: 'pull-overwrites-pending',
  description: 'Applies pulled changes over records with pending local edits, discarding the edits.',
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      remoteDecision(ctx, local, remote) {
        if (!isNewer(ctx, local, remote)) return 'skip';
        for (const op of ctx.store.opsFor(remote.collection, remote.id)) ctx.store.deleteOp(op.seq);
        return 'apply';
      },
    },
  },
});
