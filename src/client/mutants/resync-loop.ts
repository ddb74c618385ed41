/**
 * @module client/mutants/resync-loop
 * Bug: after a "resync required" answer to a pull (410 Gone, or 409 must-refetch) the client
 * keeps its cursor and asks again at once, forever: the answer never changes, because the
 * server has forgotten that cursor for good. (A real Postgres-sync engine's client re-requested
 * the old location after a must-refetch answer: thousands of requests a minute.)
 */
import { refusePull } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const resyncLoop = defineMutant({
  name: 'resync-loop',
  description: 'Answers a 409/410 "resync required" on a pull by requesting the same cursor again at once, forever.',
  invariant: 'request-storm',
  options: {
    hooks: {
      refusePull: (ctx, status) => (status === 409 || status === 410 ? 'retry' : refusePull(ctx, status)),
    },
  },
});
