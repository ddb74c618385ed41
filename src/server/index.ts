/**
 * @module server
 * The reference sync server: protocol types, the server (msw handlers over an in-memory store,
 * in virtual time), its fault rules, and a node:http host for the same handlers.
 */
export { AUTOMATION_DEVICE, AUTOMATION_FIELD } from './automation.ts';
export { DEFAULT_SERVER_CONFIG, LIMITS, resolveServerConfig, type ServerConfig } from './config.ts';
export type { DispatchMode } from './dispatch.ts';
export {
  DECISION_POINT,
  type DecisionPoint,
  type ServerFault,
  type ServerFaultMatch,
  type ServerFaultRule,
  type ServerFaultType,
  type ServerRoute,
  serverFaultRuleSchema,
  serverFaultSchema,
} from './fault-rules.ts';
export {
  createServerEnv,
  type HookContext,
  type ServerEnv,
  type ServerHandle,
  type ServerHooks,
  type ServerWrapper,
  wrapperOfHooks,
} from './hooks.ts';
export { createHttpHost, type HttpHost, type HttpHostOptions, type HttpServed } from './http-host.ts';
export { SERVER_MUTANTS, type ServerMutant, serverMutant } from './mutants/index.ts';
export { applyPatch, normalizeSet, type PatchResult } from './patch.ts';
export * from './protocol.ts';
export { ReferenceServer, type ReferenceServerOptions } from './reference-server.ts';
export {
  inSubscription,
  SUBSCRIPTION_PARAM,
  type Subscription,
  type SubscriptionRule,
  subscriptionCovers,
  subscriptionSchema,
} from './subscription.ts';
