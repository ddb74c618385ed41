/**
 * @module realnet/chaos/options
 * What a real-network chaos run is told, with defaults sized so a run with the reference
 * client takes tens of seconds and stops by itself: bounded in time (chaos, heal, each call)
 * and in requests.
 */
import type { ClientFactory } from '../../client/contract.ts';

export interface ChaosOptions {
  client: ClientFactory;
  /** Devices, each a client in this process. */
  clients: number;
  seed: string;
  /** A schedule of schedules.ts. */
  schedule: string;
  /** Real ms of the chaos phase. */
  durationMs: number;
  /** Client timers and server time run this many times faster than the wall clock. */
  speed: number;
  /** User actions per device during chaos. */
  opsPerClient: number;
  /** Toxiproxy's admin API; undefined: start the embedded proxy in this process. */
  proxyUrl?: string;
  /** Where the proxy listens, as the proxy sees it. */
  proxyListen: string;
  /** The server as the proxy reaches it; default the server's own address. */
  upstream?: string;
  /** Where the clients reach the proxy; default derived from its listen address. */
  clientUrl?: string;
  /** Where the in-process server listens. */
  serverHost: string;
  serverPort: number;
  /** The in-process server and embedded proxy may listen beyond loopback (the CLI's --allow-remote). */
  allowRemote?: boolean;
  /** Sent to the proxy's admin API and required by the server's control API (--token / SYNCSTORM_TOKEN). */
  token?: string;
  /** Bound on requests of all clients together. */
  requestsMax: number;
  /** Real ms the clients get to converge on their own after heal. */
  healMs: number;
  /** Bound on one app call, real ms. */
  actionTimeoutMs: number;
  /** Shown in reports; default `chaos-<schedule>-<seed>`. */
  name?: string;
  /** Progress lines for humans. */
  log?: (line: string) => void;
}

export const CHAOS_DEFAULTS = {
  clients: 3,
  seed: '1',
  schedule: 'flaky-3g',
  durationMs: 20_000,
  speed: 10,
  opsPerClient: 12,
  proxyListen: '127.0.0.1:0',
  serverHost: '127.0.0.1',
  serverPort: 0,
  requestsMax: 20_000,
  healMs: 20_000,
  actionTimeoutMs: 30_000,
} as const satisfies Omit<ChaosOptions, 'client'>;

export const CLIENTS_MAX = 64;
export const DURATION_MS_MAX = 60 * 60_000;
