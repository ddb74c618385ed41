/**
 * @module examples/memory-client
 * A small offline-first client written from scratch against the syncstorm contract (it
 * shares no code with the reference client), to show what an adapter looks like:
 * - state in memory, made durable by one SQLite table (store.ts): a write and its outbox
 *   row commit together, and a restart picks up from the table;
 * - one op per write, pushed in order with its Idempotency-Key, the same key and body on
 *   every retry (push.ts); rev checks and tombstones on pull (pull.ts);
 * - merge policy, declared honestly: an op that meets a concurrent change is replayed on
 *   top of it, so the last writer wins each field it sets (sets and counters happen to
 *   merge, but a delete beats a concurrent edit, so they are declared `lww` too); an edit
 *   that meets a deletion is surfaced as a conflict, never dropped and never resurrected.
 *
 * Run it: `syncstorm gate --client ./examples/memory-client/index.ts`.
 */
import type { ClientFactory } from 'syncstorm';
import { MemoryClient, type SyncSteps } from './client.ts';
import { pull } from './pull.ts';
import { push } from './push.ts';
import { MemoryStore } from './store.ts';

export const CRASH_POINTS = ['before-push', 'after-push-before-commit', 'after-pull-before-apply'] as const;

export interface MemoryClientOptions {
  name?: string;
  description?: string;
  /** The halves of a sync run (a variant may swap one). */
  steps?: Partial<SyncSteps>;
}

export function createMemoryClient(options: MemoryClientOptions = {}): ClientFactory {
  const steps: SyncSteps = { push, pull, ...options.steps };
  return {
    name: options.name ?? 'memory-client',
    description: options.description ?? 'Example: maps in memory over one SQLite table, op-replay merge (lww).',
    policy: { default: 'lww' },
    collections: ['notes', 'tasks'],
    crashPoints: CRASH_POINTS,
    async start(env) {
      const client = new MemoryClient(env, new MemoryStore(env.storage.open('memory-client')), steps);
      client.start();
      return client;
    },
  };
}

export const client: ClientFactory = createMemoryClient();
export default client;
