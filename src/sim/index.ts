/**
 * @module sim
 * The simulation: plans (as data), the drawn workload and nemesis, one run, campaigns.
 */
export { type CampaignOptions, runCampaign, SEED_TIME_LIMIT_MS_DEFAULT } from './campaign.ts';
export { fieldKind, WORKLOAD_COLLECTIONS, WORKLOAD_FIELDS, writtenValue } from './fields.ts';
export { CHAOS_MS_DEFAULT, deviceIds, type GenerateOptions, generatePlan, sortSteps } from './generate.ts';
export { HEAL_DEFAULTS, type HealOptions } from './heal.ts';
export { ANY_CRASH_POINT, drawNemesis } from './nemesis.ts';
export type { DevicePlan, Plan, ProfileName, Step, StepFieldOp, StepKind } from './plan.ts';
export { undeclaredDevices } from './plan.ts';
export { isProfileName, PROFILES, type Profile } from './profiles.ts';
export type { RunResult, RunStats, RunViolation } from './result.ts';
export { planForSeed, runSeed, type SeedRunOptions } from './seed-run.ts';
export { chaosEnd, runSimulation, type SimulationOptions } from './simulation.ts';
export { viewMatchesServer } from './view-match.ts';
