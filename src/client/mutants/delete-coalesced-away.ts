/**
 * @module client/mutants/delete-coalesced-away
 * Bug: when a delete follows unsent updates of the same record, the coalescer keeps the
 * updates and drops the delete ("the record already has a pending op"). The server never
 * hears of the delete (a lost write), and the record comes back on the device once the
 * update is through.
 */
import { coalesceWrites } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const deleteCoalescedAway = defineMutant({
  name: 'delete-coalesced-away',
  description: 'Folds a delete into pending updates by keeping the updates; the delete never reaches the server.',
  invariant: 'no-silent-loss',
  options: {
    hooks: {
      coalesce(previous, next, mode) {
        if (mode !== 'none' && previous.kind === 'update' && next.kind === 'delete') {
          return { action: 'replace', kind: 'update', patch: previous.patch };
        }
        return coalesceWrites(previous, next, mode);
      },
    },
  },
});
