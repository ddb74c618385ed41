/**
 * @module check
 * The history model and the invariant checkers. They read the trace only and share no code
 * with the clients they judge. docs/invariants.md is the catalogue.
 */
export { type CheckOptions, type CheckResult, type CheckStats, checkAll } from './check-all.ts';
export { type CounterTally, counterTallies } from './counters.ts';
export type {
  CheckedEvent,
  DeviceError,
  DeviceHistory,
  DeviceKill,
  DeviceRestart,
  DeviceView,
  FinalDeviceState,
  History,
  NetAbort,
  NetFail,
  NetReceive,
  NetSend,
  OpHistory,
  RecordHistory,
  ServerApply,
  ServerReject,
  ServerReplay,
  SimFinal,
  SimHeal,
  SimPhase,
  SimPhaseName,
  SimStep,
  UserAction,
  UserCall,
  UserCreate,
  UserDelete,
  UserError,
  UserInterrupted,
  UserResolve,
  UserUpdate,
  UserWrite,
  ViewReason,
} from './history.ts';
export { buildHistory, SERVER_DEVICE } from './history.ts';
export { checkConvergence } from './invariants/convergence.ts';
export { checkDurability } from './invariants/durability.ts';
export { CONFLICTS_PER_OP_MAX, checkLiveness } from './invariants/liveness.ts';
export { checkNoDuplicates } from './invariants/no-duplicates.ts';
export { checkNoRegression } from './invariants/no-regression.ts';
export { checkNoResurrection } from './invariants/no-resurrection.ts';
export {
  analyzeLosses,
  checkNoSilentLoss,
  type LossAnalysis,
  type WriteOutcomes,
} from './invariants/no-silent-loss.ts';
export {
  checkPoliteRetries,
  RETRY_AFTER_MS_DEFAULT,
  RETRY_COUNT_MAX,
  RETRY_GAP_MS_MIN,
} from './invariants/polite-retries.ts';
export { checkRequestStorm, QUIET_REQUESTS_MAX, REFUSED_REPEATS_MAX } from './invariants/request-storm.ts';
export { checkResolutionsHonoured } from './invariants/resolutions-honoured.ts';
export { checkStatusHonesty } from './invariants/status-honesty.ts';
export { stuckDownloads } from './invariants/stuck-downloads.ts';
export { checkWriteOrder } from './invariants/write-order.ts';
export { INVARIANTS, type InvariantSpec, invariant } from './registry.ts';
export { type RecordKey, recordKey } from './values.ts';
export {
  type Checker,
  type DeclaredLoss,
  INVARIANT_NAMES,
  type InvariantName,
  type Violation,
} from './violation.ts';
