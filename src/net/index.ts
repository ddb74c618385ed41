/**
 * @module net
 * The simulated network: each device incarnation gets a standard `fetch` whose requests
 * cross a link to the server and back, in virtual time, with faults. What each fault does,
 * as the server sees it and as the client sees it (L = one leg's latency ± jitter,
 * T = `timeoutMs` from the send):
 *
 * | fault (net.fault)     | server handles | client sees                                    |
 * |-----------------------|----------------|------------------------------------------------|
 * | none                  | once, at L     | the Response, at 2L (+ server time)            |
 * | offline               | never          | ECONNREFUSED at once                           |
 * | going offline         | if it landed   | ECONNRESET at that moment; undelivered are lost|
 * | partition-outbound    | never          | ETIMEDOUT at T                                 |
 * | partition-inbound     | once           | ETIMEDOUT at T                                 |
 * | drop-request          | never          | ETIMEDOUT at T                                 |
 * | drop-response         | once           | ETIMEDOUT at T                                 |
 * | duplicate             | twice          | the first copy's Response                      |
 * | reset                 | once           | ECONNRESET when the answer would arrive        |
 * | status                | never          | the given status, at 2L                        |
 * | delay / reorder       | once (late)    | the Response, later                            |
 *
 * Failures are `TypeError('fetch failed')` with a `cause` carrying `code`, as Node's fetch;
 * an AbortSignal rejects with its reason (an AbortError) at the virtual moment it fires. A
 * killed incarnation never hears back, but its requests already sent still land. Rules and
 * random link faults are decided when a request is sent; partitions when a leg departs.
 */
export type { PartitionDirection } from './connectivity.ts';
export { fetchFailed, type NetworkErrorCode, networkErrorCode, type SystemError, systemError } from './errors.ts';
export { LINK_DEFAULT, linkProfile } from './link.ts';
export { Network } from './network.ts';
export {
  type PlainExchange,
  PlainHeaders,
  PlainRequest,
  type PlainRequestInit,
  type PlainResponse,
  plainExchangeOf,
} from './plain.ts';
export { RULES_MAX, RuleBook, type RuleHit, type RuleSubject, validateRule } from './rules.ts';
export type {
  FaultType,
  FaultVerdict,
  LinkProfile,
  NetFault,
  NetworkFaultMatch,
  NetworkFaultRule,
  NetworkOptions,
  NetworkStats,
  SimServer,
  TrafficCounters,
} from './types.ts';
export { INFLIGHT_PER_DEVICE_MAX } from './waiting.ts';
