/**
 * @module client/reference/options
 * What `createReferenceClient` can be told: coalescing, batching, merge policy, timings and
 * bounds, each with a default. Everything else about the client is fixed (or a hook).
 */
import { assert } from '../../kernel/assert.ts';
import type { MergePolicy } from '../contract.ts';

/**
 * How local writes to one record are folded together before they are sent (only writes
 * not yet sent are ever folded):
 * - `none`: every write is its own request;
 * - `per-record`: writes to a record become one op, their patches concatenated; a delete
 *   after updates stays a delete; a create then delete never leaves the device;
 * - `per-field`: as per-record, and the patch keeps one operation per field where it can.
 */
export type Coalescing = 'none' | 'per-record' | 'per-field';

export interface Timing {
  /** Quiet time after a local write before the client syncs on its own. */
  debounceMs: number;
  /** Period of the foreground sync timer; 0 turns it off. */
  foregroundIntervalMs: number;
  /** First retry delay after a 5xx or a network error; doubles per consecutive failure. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A request with no answer after this long is aborted (the network's own timeout is usually first). */
  requestTimeoutMs: number;
  /** `limit` asked of `GET /changes`. */
  pageLimit: number;
}

export interface Bounds {
  /** Requests one sync run may make (pushes, pulls, refreshes). */
  requestsPerRunMax: number;
  /** Pages one sync run may pull. */
  pagesPerRunMax: number;
  /** Ops in one `POST /sync/batch`. */
  batchOpsMax: number;
}

export interface ResolvedOptions {
  name: string;
  description: string;
  coalescing: Coalescing;
  /** Push through `POST /sync/batch` instead of one `POST /sync/ops` per op. */
  batching: boolean;
  /** Sync as soon as the OS reports the device online again. */
  syncOnReconnect: boolean;
  policy: MergePolicy;
  collections: readonly string[];
  timing: Timing;
  bounds: Bounds;
}

/**
 * Default merge policy: three-way with manual review for text and flags, union for the
 * `tags` set, adding up for the `likes` counter (the fields the workload writes).
 */
export const REFERENCE_POLICY: MergePolicy = Object.freeze({
  default: 'manual',
  fields: Object.freeze({ tags: 'set-union', likes: 'counter' }),
}) as MergePolicy;

export const DEFAULT_TIMING: Readonly<Timing> = Object.freeze({
  debounceMs: 250,
  foregroundIntervalMs: 60_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  requestTimeoutMs: 45_000,
  pageLimit: 50,
});

export const DEFAULT_BOUNDS: Readonly<Bounds> = Object.freeze({
  requestsPerRunMax: 200,
  pagesPerRunMax: 100,
  batchOpsMax: 50,
});

export interface ReferenceClientOptions {
  name?: string;
  description?: string;
  /** Default 'per-record'. */
  coalescing?: Coalescing;
  /** Default false. */
  batching?: boolean;
  /** Default true. */
  syncOnReconnect?: boolean;
  policy?: MergePolicy;
  collections?: readonly string[];
  timing?: Partial<Timing>;
  bounds?: Partial<Bounds>;
}

export function resolveOptions(options: ReferenceClientOptions): ResolvedOptions {
  const coalescing = options.coalescing ?? 'per-record';
  assert(
    ['none', 'per-record', 'per-field'].includes(coalescing),
    `createReferenceClient: unknown coalescing '${coalescing}'`,
  );
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
  for (const [key, value] of Object.entries({ ...timing, ...bounds })) {
    assert(Number.isFinite(value) && value >= 0, `createReferenceClient: ${key} must be a number >= 0, got ${value}`);
  }
  assert(
    timing.pageLimit >= 1 && bounds.requestsPerRunMax >= 1,
    'createReferenceClient: pageLimit and requestsPerRunMax must be >= 1',
  );
  assert(
    bounds.batchOpsMax >= 1 && bounds.pagesPerRunMax >= 1,
    'createReferenceClient: batchOpsMax and pagesPerRunMax must be >= 1',
  );
  return {
    name: options.name ?? 'reference',
    description: options.description ?? 'The reference client: SQLite outbox, three-way merge, polite retries.',
    coalescing,
    batching: options.batching ?? false,
    syncOnReconnect: options.syncOnReconnect ?? true,
    policy: options.policy ?? REFERENCE_POLICY,
    collections: options.collections ?? ['notes', 'tasks'],
    timing,
    bounds,
  };
}
