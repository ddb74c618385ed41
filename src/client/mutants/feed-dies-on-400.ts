/**
 * @module client/mutants/feed-dies-on-400
 * Bug: the change feed's error handler gives up on a 400 answer to a pull ("offset out of
 * bounds", as a stale cache or a restarted shard may answer): the client never pulls again,
 * even after a restart, while its pushes go on. Other devices' changes never reach it.
 */
import { refusePull } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const feedDiesOn400 = defineMutant({
  name: 'feed-dies-on-400',
  description: 'Stops pulling for good after one 400 answer to a pull; pushes go on.',
  invariant: 'liveness',
  options: {
    hooks: {
      refusePull: (ctx, status) => (status === 400 ? 'stop-pulling' : refusePull(ctx, status)),
    },
  },
});
