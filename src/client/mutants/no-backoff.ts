/**
 * @module client/mutants/no-backoff
 * Bug: after a 429 or a 5xx the client retries at once, ignoring Retry-After and without
 * exponential backoff: it hammers a server that asked it to wait.
 */
import { defineMutant } from './mutant.ts';

export const noBackoff = defineMutant({
  name: 'no-backoff',
  description: 'Retries immediately after 429/5xx, ignoring Retry-After and backoff.',
  invariant: 'polite-retries',
  options: {
    hooks: {
      retryDelayMs: () => 0,
    },
  },
});
