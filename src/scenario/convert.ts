/**
 * @module scenario/convert
 * A scenario and a Plan hold the same data: a scenario adds a name, a description, the
 * seed, the client and what is expected. Converting back and forth loses nothing the
 * simulator uses, which is what lets a repro file replay the run it came from.
 */
import type { Plan } from '../sim/plan.ts';
import type { Scenario } from './schema.ts';

/** The seed a scenario without one runs with. */
export const SCENARIO_SEED_DEFAULT = '1';

/** Path of the JSON Schema as scenario files in scenarios/ refer to it. */
export const SCHEMA_REF = '../schema/scenario.schema.json';

export function scenarioSeed(scenario: Scenario): string {
  return scenario.seed === undefined ? SCENARIO_SEED_DEFAULT : String(scenario.seed);
}

export function scenarioToPlan(scenario: Scenario): Plan {
  return {
    devices: scenario.devices,
    profile: scenario.profile,
    steps: scenario.steps,
    networkRules: scenario.networkRules ?? [],
    serverRules: scenario.serverRules ?? [],
    // Only when named: a plan of the reference server has no `server` key at all.
    ...(scenario.server !== undefined ? { server: scenario.server } : {}),
  };
}

export interface PlanScenarioOptions {
  name: string;
  description: string;
  seed: string;
  client: string;
  expectViolations?: Scenario['expect']['violations'];
  /** `$schema` to write (a path relative to where the file will live). */
  schemaRef?: string;
}

/** A scenario file's content for a plan; empty rule lists are left out. */
export function planToScenario(plan: Plan, options: PlanScenarioOptions): Scenario {
  return {
    ...(options.schemaRef ? { $schema: options.schemaRef } : {}),
    name: options.name,
    description: options.description,
    seed: options.seed,
    client: options.client,
    ...(plan.server !== undefined ? { server: plan.server } : {}),
    devices: plan.devices,
    profile: plan.profile,
    steps: plan.steps,
    ...(plan.networkRules.length > 0 ? { networkRules: plan.networkRules } : {}),
    ...(plan.serverRules.length > 0 ? { serverRules: plan.serverRules } : {}),
    expect: { violations: options.expectViolations ?? [] },
  };
}
