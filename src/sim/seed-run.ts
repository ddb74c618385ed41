/**
 * @module sim/seed-run
 * A drawn run: the plan comes from the seed (workload + nemesis of a profile), then it is
 * simulated. The unit a campaign is made of.
 */
import type { ClientFactory } from '../client/contract.ts';
import { Rng } from '../kernel/rng.ts';
import { generatePlan } from './generate.ts';
import type { Plan, ProfileName } from './plan.ts';
import type { RunResult } from './result.ts';
import { runSimulation } from './simulation.ts';

export interface SeedRunOptions {
  seed: string;
  client: ClientFactory;
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
  keepTrace?: boolean;
  /** Bound on the run's scheduler events. */
  runEventsMax?: number;
  /** The server slot (Plan.server); the reference server when absent. */
  server?: string;
}

/** The plan a seed stands for. The plan's generator is forked off the seed by label 'plan'. */
export function planForSeed(options: Omit<SeedRunOptions, 'client' | 'keepTrace' | 'runEventsMax'>): Plan {
  const plan = generatePlan(new Rng(options.seed).fork('plan'), {
    devices: options.devices,
    opsPerDevice: options.opsPerDevice,
    profile: options.profile,
    ...(options.chaosMs !== undefined ? { chaosMs: options.chaosMs } : {}),
  });
  // The server does not change what is drawn: the same seed is the same plan against any server.
  return options.server === undefined ? plan : { ...plan, server: options.server };
}

export function runSeed(options: SeedRunOptions): Promise<RunResult> {
  return runSimulation({
    seed: options.seed,
    plan: planForSeed(options),
    client: options.client,
    ...(options.keepTrace ? { keepTrace: true } : {}),
    ...(options.runEventsMax !== undefined ? { runEventsMax: options.runEventsMax } : {}),
  });
}
