/**
 * @module client/mutants/widen-keeps-checkpoint
 * Bug: when the subscription widens, the client keeps pulling from its saved cursor with the
 * new filter. The records of the new part that changed before that cursor are never handed
 * out: the device never shows them (a real engine's wider channel filter reused the old
 * checkpoint and never fetched the channel's older documents).
 */
import { defineMutant } from './mutant.ts';

export const widenKeepsCheckpoint = defineMutant({
  name: 'widen-keeps-checkpoint',
  description:
    'Reuses the pull checkpoint when the subscription widens; older records of the new part are never fetched.',
  invariant: 'convergence',
  profile: 'partial',
  options: {
    hooks: {
      subscriptionWidened() {},
    },
  },
});
