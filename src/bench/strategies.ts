/**
 * @module bench/strategies
 * What the benchmark compares: the reference client's coalescing modes, each with and
 * without batching (six strategies, 'none' first: it is the baseline every reduction is
 * measured against), or a user's own client as it is (one strategy, no baseline).
 */
import type { ClientFactory } from '../client/contract.ts';
import { createReferenceClient } from '../client/reference/index.ts';
import type { Coalescing } from '../client/reference/options.ts';

export interface BenchStrategy {
  /** `none`, `per-record+batch`, ... or the client's own name. */
  name: string;
  /** For reference strategies: how the client folds writes (undefined for a user's client). */
  coalescing?: Coalescing;
  batching?: boolean;
  client: ClientFactory;
}

/** The strategy the reductions are measured against. */
export const BASELINE_STRATEGY = 'none';

const COALESCING_ORDER: readonly Coalescing[] = ['none', 'per-record', 'per-field'];

export function strategyName(coalescing: Coalescing, batching: boolean): string {
  return batching ? `${coalescing}+batch` : coalescing;
}

/** The six reference strategies: none, per-record, per-field, then the same with batching. */
export function referenceStrategies(): BenchStrategy[] {
  return [false, true].flatMap((batching) =>
    COALESCING_ORDER.map((coalescing) => ({
      name: strategyName(coalescing, batching),
      coalescing,
      batching,
      client: createReferenceClient({ coalescing, batching, name: `reference:${strategyName(coalescing, batching)}` }),
    })),
  );
}

/** A user's client, benchmarked as it is. */
export function clientStrategy(client: ClientFactory): BenchStrategy {
  return { name: client.name, client };
}
