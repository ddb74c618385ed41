/**
 * @module client/mutants/no-sync-on-reconnect
 * Bug: the client syncs only after local writes: it ignores the OS telling it the device
 * is back online, and has no foreground timer. Writes made offline wait for the next
 * local write, however long that takes.
 */
import { defineMutant } from './mutant.ts';

export const noSyncOnReconnect = defineMutant({
  name: 'no-sync-on-reconnect',
  description: 'Does not sync when connectivity returns (and has no timer); offline writes wait for the next write.',
  invariant: 'liveness',
  options: {
    syncOnReconnect: false,
    timing: { foregroundIntervalMs: 0 },
  },
});
