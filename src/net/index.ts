/**
 * @module net
 * The simulated network: per-device `fetch` through links with latency, jitter, loss,
 * duplication, reordering, resets, offline and partitions, and fault rules as data.
 */
export type { PartitionDirection } from './connectivity.ts';
export { fetchFailed, type NetworkErrorCode, networkErrorCode, type SystemError, systemError } from './errors.ts';
export { LINK_DEFAULT, linkProfile } from './link.ts';
export { Network } from './network.ts';
export { RULES_MAX, RuleBook, type RuleHit, type RuleSubject, validateRule } from './rules.ts';
export type {
  FaultType,
  FaultVerdict,
  LinkProfile,
  NetworkFaultMatch,
  NetworkFaultRule,
  NetworkOptions,
  NetworkStats,
  SimServer,
  TrafficCounters,
} from './types.ts';
export { INFLIGHT_PER_DEVICE_MAX } from './waiting.ts';
