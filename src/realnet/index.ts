/**
 * @module realnet
 * Real sockets and real time: the reference server served over HTTP with a control API
 * (`serve`), server mutants, the conformance prober (`conform`), the embedded
 * Toxiproxy-compatible chaos proxy (`proxy`), chaos schedules driven through Toxiproxy's
 * admin API (without ever deleting a toxic on a running proxy: chaos/toxic-slots.ts), serve's
 * cycle player, and real-network chaos runs (`chaos`) judged by the simulator's
 * checkers. Unlike the layers below it, this one may read the real clock and use real
 * timers; it sits just under the CLI.
 */

export { ProxyAdminError } from './chaos/admin-client.ts';
export { CyclePlayer, type CyclePlayerOptions } from './chaos/cycle-player.ts';
export { CHAOS_DEFAULTS, type ChaosOptions } from './chaos/options.ts';
export { type ChaosOutcome, runChaos } from './chaos/run-chaos.ts';
export { type ChaosSchedule, findSchedule, planSchedule, SCHEDULES, type ScheduleAction } from './chaos/schedules.ts';
export { ProxyLink, type ProxyLinkOptions } from './chaos/toxiproxy-link.ts';
export { drawRealPlan } from './chaos/workload-plan.ts';
export {
  CONFORM_PROMISES,
  type ConformOptions,
  type ConformReport,
  type PromiseResult,
  runConform,
} from './conform/run-conform.ts';
export { type ChaosProxyServer, startChaosProxy } from './proxy/index.ts';
export { SchedulerPump } from './pump.ts';
export { RealClock } from './real-clock.ts';
export { RealDevice } from './real-device.ts';
export { RequestBudget, recordingFetch } from './recording-fetch.ts';
export { type ServeOptions, type Serving, startServe } from './serve.ts';
export { ServedServer } from './served-server.ts';
export { type ConformPromiseName, SERVER_MUTANTS, type ServerMutant, serverMutant } from './server-mutants/index.ts';
export { RunTimeline } from './timeline.ts';
