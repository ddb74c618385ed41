/**
 * @module examples/memory-client/run-context
 * What one sync run works with, and how a run that stopped early says why.
 */
import type { ClientEnv } from 'syncstorm';
import type { MemoryStore } from './store.ts';

export interface RunContext {
  env: ClientEnv;
  store: MemoryStore;
  /** Requests made by this run so far. */
  requests: number;
  /** Bound on requests per run; the next run continues. */
  requestsMax: number;
}

/** Why a run stopped early: try again after `waitMs` (when the server said), or after a backoff. */
export interface Stop {
  reason: string;
  waitMs?: number;
}
