/**
 * @module syncstorm
 * The public entry: the adapter contract a team implements, the wire types of the
 * reference protocol, the reference client, the adapter kit (transport, op ledger, diff,
 * storage shims), and the simulator's front doors (one run, one
 * seed, a campaign, a scenario file). The vitest suite is `syncstorm/vitest`.
 *
 * @example
 * ```ts
 * import type { ClientFactory } from 'syncstorm';
 * import { runScenario, loadScenario } from 'syncstorm';
 * const result = await runScenario(loadScenario('scenarios/edit-vs-delete.json'), myClient);
 * ```
 */
export * from './client/contract.ts';
export { createReferenceClient, MUTANTS, REFERENCE_POLICY, referenceClient } from './client/index.ts';
export * from './client/kit/index.ts';
export { createProcessClient, type ProcessClientOptions } from './client/process/index.ts';
export { factoryProblem, resolveClient } from './client/resolve.ts';
export { UsageError } from './kernel/errors.ts';
export type { Leak } from './kernel/leaks.ts';
export { installVirtualGlobals } from './kernel/virtual-globals.ts';
export { loadScenario, loadScenarios } from './scenario/load.ts';
export { runScenario } from './scenario/run.ts';
export type { Scenario } from './scenario/schema.ts';
export type { HookContext, ServerEnv, ServerHandle, ServerHooks, ServerWrapper } from './server/hooks.ts';
export { SERVER_MUTANTS } from './server/mutants/index.ts';
export type {
  BatchRequest,
  BatchResponse,
  BatchResult,
  ChangesPage,
  ConflictBody,
  ConflictReason,
  ErrorBody,
  OpApplied,
  OpKind,
  ServerRecord,
  SyncOp,
  TokenResponse,
} from './server/protocol.ts';
export { IDEMPOTENCY_HEADER, ROUTES } from './server/protocol.ts';
export {
  type CampaignOptions,
  type Plan,
  type ProfileName,
  planForSeed,
  type RunResult,
  type RunViolation,
  runCampaign,
  runSeed,
  runSimulation,
  type SeedRunOptions,
  type SimulationOptions,
} from './sim/index.ts';
