/**
 * @module scenario/run
 * Runs a loaded scenario with a client: its plan, its seed, and what it expects. A
 * scenario that expects violations passes when the run shows them (a mutant's bug is
 * caught); one that expects none passes when every invariant holds.
 */
import type { ClientFactory } from '../client/contract.ts';
import { UsageError } from '../kernel/errors.ts';
import { WORKLOAD_COLLECTIONS } from '../sim/fields.ts';
import type { RunResult } from '../sim/result.ts';
import { runSimulation } from '../sim/simulation.ts';
import { scenarioSeed, scenarioToPlan } from './convert.ts';
import type { Scenario } from './schema.ts';

export interface ScenarioRunOptions {
  /** Keep the trace in the result (reports need it). */
  keepTrace?: boolean;
  /** Also stream the trace to this file. */
  traceFile?: string;
  /** Where the scenario came from, for messages. */
  source?: string;
}

/** Collections the scenario writes that the client does not sync: bad input, caught before the run. */
export function checkCollections(
  scenario: Scenario,
  client: Pick<ClientFactory, 'name' | 'collections'>,
  source: string,
): void {
  const known: readonly string[] = client.collections ?? WORKLOAD_COLLECTIONS;
  scenario.steps.forEach((step, index) => {
    if (step.do === 'create' && !known.includes(step.collection)) {
      throw new UsageError(
        `Scenario '${source}': steps[${index}].collection '${step.collection}' is not synced by client '${client.name}' (it syncs ${known.join(', ')}).`,
      );
    }
  });
}

export function runScenario(
  scenario: Scenario,
  client: ClientFactory,
  options: ScenarioRunOptions = {},
): Promise<RunResult> {
  checkCollections(scenario, client, options.source ?? scenario.name);
  return runSimulation({
    seed: scenarioSeed(scenario),
    plan: scenarioToPlan(scenario),
    client,
    name: scenario.name,
    expectedViolations: scenario.expect.violations,
    ...(options.keepTrace ? { keepTrace: true } : {}),
    ...(options.traceFile ? { traceFile: options.traceFile } : {}),
  });
}
