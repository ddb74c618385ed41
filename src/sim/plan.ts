/**
 * @module sim/plan
 * A run as plain data: devices, steps at virtual times, fault rules. The random workload
 * generator, scenario files and the fuzzer all produce a Plan; the Simulation executes
 * one. Steps name records by symbolic `ref`s (ids are minted by the client at run time)
 * and never carry the values they write: every written value is derived from the step's
 * index, so each is unique in the run and stays unique when the fuzzer removes steps.
 */
import type { NetworkFaultRule } from '../net/index.ts';
import type { ServerFaultRule } from '../server/index.ts';
import type { Subscription } from '../server/subscription.ts';

export type ProfileName = 'calm' | 'flaky' | 'hostile' | 'apps' | 'partial';

export interface DevicePlan {
  id: string;
  /** Added to this device's wall clock (a wrong device clock). */
  skewMs?: number;
  /** Overrides of the profile's link for this device. */
  link?: {
    latencyMs?: number;
    jitterMs?: number;
  };
  /** Starts offline. */
  offline?: boolean;
}

/** A field change as a step describes it; the value is generated at run time. */
export type StepFieldOp =
  | { op: 'set'; field: string }
  | { op: 'toggle'; field: string }
  | { op: 'add'; field: string }
  | { op: 'remove'; field: string }
  | { op: 'inc'; field: string; by: number };

interface StepBase {
  /** Virtual ms from the start of the run. */
  at: number;
}

/**
 * Which instance of the device's app a step acts on: 1 (the default) is the app itself,
 * 2, 3 ... further instances opened by an `open-instance` step (sim/instances.ts).
 */
interface OnInstance {
  instance?: number;
}

export type Step =
  | (StepBase & OnInstance & { do: 'create'; device: string; collection: string; ref: string; fields: string[] })
  | (StepBase & OnInstance & { do: 'update'; device: string; ref: string; ops: StepFieldOp[] })
  | (StepBase & OnInstance & { do: 'delete'; device: string; ref: string })
  | (StepBase & OnInstance & { do: 'resolve'; device: string; choice: 'keep-local' | 'keep-remote' | 'merged' })
  | (StepBase & OnInstance & { do: 'sync'; device: string })
  | (StepBase & { do: 'offline'; device: string })
  | (StepBase & { do: 'online'; device: string })
  | (StepBase & { do: 'partition'; device: string; direction: 'both' | 'outbound' | 'inbound' })
  | (StepBase & { do: 'repair'; device: string })
  | (StepBase & { do: 'background'; device: string })
  | (StepBase & { do: 'foreground'; device: string })
  | (StepBase & OnInstance & { do: 'kill'; device: string; point?: string })
  | (StepBase & { do: 'restart'; device: string })
  | (StepBase & { do: 'skew'; device: string; ms: number })
  | (StepBase & { do: 'server-write'; ref: string; ops: StepFieldOp[] })
  | (StepBase & { do: 'heal' })
  | (StepBase & { do: 'open-instance'; device: string; instance: number })
  | (StepBase & { do: 'close-instance'; device: string; instance: number })
  /** The user changes what the device syncs (null: everything); only for clients with capabilities.subscriptions. */
  | (StepBase & OnInstance & { do: 'subscribe'; device: string; subscription: Subscription | null });

export type StepKind = Step['do'];

export interface Plan {
  devices: DevicePlan[];
  /** Ambient link behaviour (latency, random loss ...) and nothing else. */
  profile: ProfileName;
  steps: Step[];
  networkRules: NetworkFaultRule[];
  serverRules: ServerFaultRule[];
  /** The server slot: 'reference' when absent, 'mutant:<name>' or a server module path (server/resolve.ts). */
  server?: string;
}

/** Devices named by steps that the plan does not declare (a scenario's typo, say). */
export function undeclaredDevices(plan: Plan): string[] {
  const declared = new Set(plan.devices.map((device) => device.id));
  const missing = new Set<string>();
  for (const step of plan.steps) {
    if ('device' in step && !declared.has(step.device)) missing.add(step.device);
  }
  return [...missing].sort();
}
