/**
 * @module examples/memory-client-broken
 * The example memory client with one bug: a new Idempotency-Key on every retry (see
 * push.ts). Everything else is ../memory-client. The gate must fail it, naming
 * no-duplicates, with a repro:
 * `syncstorm gate --client ./examples/memory-client-broken/index.ts`.
 */
import type { ClientFactory } from 'syncstorm';
import { createMemoryClient } from '../memory-client/index.ts';
import { push } from './push.ts';

export const client: ClientFactory = createMemoryClient({
  name: 'memory-client-broken',
  description:
    'Example with one bug: every retry of an op gets a new Idempotency-Key, so a retry after a lost answer applies twice.',
  steps: { push },
});
export default client;
