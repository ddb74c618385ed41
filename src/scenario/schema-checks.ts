/**
 * @module scenario/schema-checks
 * Compile-time proof that the scenario schema describes exactly what the simulator runs:
 * each inferred type must be assignable to the simulator's type and back. A change on
 * either side that the other does not follow fails `tsc`. Nothing here runs.
 */

import type { z } from 'zod';
import type { NetworkFaultRule } from '../net/index.ts';
import type { ServerFaultRule } from '../server/index.ts';
import type { DevicePlan, ProfileName, Step, StepFieldOp } from '../sim/plan.ts';
import type {
  profileNameSchema,
  ScenarioDevice,
  ScenarioNetworkRule,
  ScenarioServerRule,
  ScenarioStep,
  stepFieldOpSchema,
} from './schema.ts';

/** `true` when A and B are assignable to each other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

function same<A, B>(proof: Same<A, B>): Same<A, B> {
  return proof;
}

export const SCHEMA_MATCHES_SIMULATOR = [
  same<ScenarioStep, Step>(true),
  same<z.infer<typeof stepFieldOpSchema>, StepFieldOp>(true),
  same<ScenarioDevice, DevicePlan>(true),
  same<z.infer<typeof profileNameSchema>, ProfileName>(true),
  same<ScenarioNetworkRule, NetworkFaultRule>(true),
  same<ScenarioServerRule, ServerFaultRule>(true),
] as const;
