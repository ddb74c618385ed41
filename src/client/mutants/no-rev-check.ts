/**
 * @module client/mutants/no-rev-check
 * Bug: a pulled change is applied whatever its rev ("the server is always right"). An
 * older copy of a record (a lagging replica, a replayed page) overwrites a newer one: the
 * device goes back in time.
 */
import { defineMutant } from './mutant.ts';

export const noRevCheck = defineMutant({
  name: 'no-rev-check',
  description: 'Applies pulled changes without comparing revs; an older copy overwrites a newer one.',
  invariant: 'no-regression',
  options: {
    hooks: {
      isNewer: () => true,
    },
  },
});
