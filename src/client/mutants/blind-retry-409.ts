/**
 * @module client/mutants/blind-retry-409
 * Bug: a 409 is treated like a transient error: the op is resent unchanged (same key,
 * same stale baseRev). The server answers 409 every time; the outbox never drains.
 */
import { defineMutant } from './mutant.ts';

export const blindRetry409 = defineMutant({
  name: 'blind-retry-409',
  description: 'Resends an op unchanged after a 409; it conflicts forever and the outbox never drains.',
  invariant: 'liveness',
  options: {
    hooks: {
      onConflict() {
        // Nothing merged, nothing changed: the same request goes out again.
      },
    },
  },
});
