/**
 * @module net/types
 * The data the simulated network is configured with: the server it carries requests to,
 * per-device link profiles, and fault rules. Rules and profiles are plain JSON data, so
 * that scenarios and the fuzzer can produce them and a repro file can hold them.
 */
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import type { PlainRequest, PlainResponse } from './plain.ts';

/** Anything that answers HTTP requests: the reference server, a mock, a counting fake. */
export interface SimServer {
  handle(request: Request, context: { deviceId: string }): Promise<Response>;
  /**
   * The same answer for a request of the light path (net/plain), without fetch objects.
   * Optional: without it the network hands such a request to `handle` as a `Request`.
   */
  handlePlain?(request: PlainRequest, context: { deviceId: string }): Promise<PlainResponse>;
}

/** How one device's link to the server behaves. Both legs (request, response) share it. */
export interface LinkProfile {
  /** One-way delay of each leg. A very high value with no loss is a slow-but-reachable link. */
  latencyMs: number;
  /** Each leg's delay is `latencyMs ± jitterMs` (uniform, integer, never below 0). */
  jitterMs: number;
  /** The request never reaches the server; the client fails with ETIMEDOUT after the bound. */
  requestLossProbability: number;
  /** The server handles the request, the answer never comes back; ETIMEDOUT after the bound. */
  responseLossProbability: number;
  /** The server handles the request twice; the client sees the first copy's answer. */
  duplicateProbability: number;
  /** The server handles the request, the connection is reset mid-response: ECONNRESET. */
  resetProbability: number;
  /** Extra response delay in [0, reorderDelayMsMax], so later responses overtake this one. */
  reorderProbability: number;
  reorderDelayMsMax: number;
}

export type FaultVerdict =
  | { type: 'pass' }
  /** Extra delay on one leg (default the request leg). */
  | { type: 'delay'; ms: number; leg?: 'request' | 'response' }
  | { type: 'drop-request' }
  | { type: 'drop-response' }
  /** `delayMs`: how long after the first copy the second one arrives (default: one more request leg). */
  | { type: 'duplicate'; delayMs?: number }
  | { type: 'reset' }
  /** Answered by the network (a gateway) with this status; the server is never reached. */
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: unknown };

export type FaultType = FaultVerdict['type'];

/**
 * The `fault` of a `net.fault` trace event: a verdict type (from a rule or a random link
 * fault), or one of the network's own conditions.
 */
export type NetFault = Exclude<FaultType, 'pass'> | 'reorder' | 'offline' | 'partition-outbound' | 'partition-inbound';

export interface NetworkFaultMatch {
  device?: string;
  /** Compared case-insensitively. */
  method?: string;
  /** Exact pathname, or a prefix ending in '*' ('/sync/*'). The query string is not part of it. */
  path?: string;
  /**
   * Query parameters the request must carry: name → exact value, `'*'` (present, any value)
   * or null (absent); unlisted parameters are ignored (kernel/query-match.ts).
   */
  query?: Record<string, string | null>;
  /** 1-based: applies only to the nth request that matches device, method, path and window. */
  nth?: number;
  /** Window of virtual time, `fromMs <= t < untilMs`, at the moment the request is sent. */
  fromMs?: number;
  untilMs?: number;
  /** Applies with this probability (drawn from the sending device's stream). Default 1. */
  probability?: number;
}

/** A fault rule: looks at a request when it is sent; the first non-pass verdict wins. */
export interface NetworkFaultRule {
  id?: string;
  match: NetworkFaultMatch;
  verdict: FaultVerdict;
  /** How many times the rule may apply; unlimited when absent. */
  times?: number;
}

export interface NetworkOptions {
  scheduler: Scheduler;
  rng: Rng;
  trace: Trace;
  server: SimServer;
  /** Origin (and optional base path) requests go to; relative URLs resolve against it. Default 'http://sync.test'. */
  baseUrl?: string;
  /** A request with no answer after this long fails with ETIMEDOUT, as a socket would. Default 30_000. */
  timeoutMs?: number;
  /** Profile of every link not set with `setLink`; missing fields take `LINK_DEFAULT`. */
  defaultLink?: Partial<LinkProfile>;
}

export interface TrafficCounters {
  requests: number;
  requestBytes: number;
  responseBytes: number;
}

export interface NetworkStats extends TrafficCounters {
  byDevice: Record<string, TrafficCounters>;
}
