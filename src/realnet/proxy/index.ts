/**
 * @module realnet/proxy
 * The embedded chaos proxy (`syncstorm proxy`): TCP proxies in Node with Toxiproxy's toxics
 * and the subset of its admin API that syncstorm uses, for machines without Docker. The
 * same client code (syncstorm's ProxyLink, toxiproxy-node-client) drives it or a real Toxiproxy.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from '../../kernel/rng.ts';
import { StrangerGuard } from '../stranger-guard.ts';
import { handleAdmin } from './admin-api.ts';
import { ProxyRegistry } from './registry.ts';

export { EMBEDDED_PROXY_VERSION } from './admin-api.ts';
export { ApiError } from './api-error.ts';
export { ChaosProxy, type ProxyJson, parseAddress } from './chaos-proxy.ts';
export { ProxyRegistry } from './registry.ts';
export { TOXIC_DEFAULTS, type ToxicJson, type ToxicType } from './toxic-spec.ts';

/** Toxiproxy's admin port. */
export const ADMIN_PORT_DEFAULT = 8474;

export interface ChaosProxyServerOptions {
  host?: string;
  /** Admin API port; default 0 (any free port); `syncstorm proxy` uses 8474. */
  port?: number;
  /** Seed of the toxicity draws and jitter. */
  seed?: string;
  /** Required of every admin request as `Authorization: Bearer <token>`. */
  token?: string;
  /** Proxies may listen beyond loopback (refused with 403 otherwise). */
  allowRemote?: boolean;
}

export interface ChaosProxyServer {
  /** Admin API base URL, e.g. http://127.0.0.1:8474 */
  url: string;
  registry: ProxyRegistry;
  close(): Promise<void>;
}

export async function startChaosProxy(options: ChaosProxyServerOptions = {}): Promise<ChaosProxyServer> {
  const registry = new ProxyRegistry(new Rng(options.seed ?? 'proxy'), { allowRemote: options.allowRemote === true });
  const host = options.host ?? '127.0.0.1';
  let guard: StrangerGuard | undefined;
  // No request is answered before the guard knows the bound port.
  const http = createServer((req, res) =>
    guard === undefined ? void res.writeHead(503).end() : void handleAdmin(registry, guard, req, res),
  );
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  guard = new StrangerGuard({ host, port, ...(options.token ? { token: options.token } : {}) });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    registry,
    close: async () => {
      await registry.closeAll();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
