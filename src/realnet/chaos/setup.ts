/**
 * @module realnet/chaos/setup
 * Everything a real-network run stands on: the server in this process (recording into the
 * run's trace), a proxy in front of it (Toxiproxy at `proxyUrl`, or the embedded one), a
 * check that the server answers through the proxy, and one real device per client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import type { Trace } from '../../kernel/trace.ts';
import { listenFailure } from '../bind-address.ts';
import { type ChaosProxyServer, startChaosProxy } from '../proxy/index.ts';
import { RealDevice } from '../real-device.ts';
import type { RequestBudget } from '../recording-fetch.ts';
import { type Serving, startServe } from '../serve.ts';
import type { RunTimeline } from '../timeline.ts';
import type { ChaosOptions } from './options.ts';
import { ProxyLink } from './toxiproxy-link.ts';

export interface ChaosSetup {
  serving: Serving;
  embedded: ChaosProxyServer | undefined;
  link: ProxyLink;
  /** Where the clients send their requests (the proxy). */
  baseUrl: string;
  devices: RealDevice[];
  storageDir: string;
  tearDown(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 5_000;

/** `http://host:port` from a listen address; an any-address listen is reached on loopback. */
function urlOf(listen: string): string {
  const address = listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${address}`;
}

async function probe(baseUrl: string, upstream: string): Promise<void> {
  try {
    const response = await fetch(new URL('/auth/refresh', baseUrl), {
      method: 'POST',
      body: JSON.stringify({ deviceId: 'probe' }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (response.ok) return;
    throw new Error(`POST /auth/refresh answered ${response.status}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `The server does not answer through the proxy at ${baseUrl} (upstream ${upstream}): ${reason}. Check --upstream: it is the server's address as the proxy sees it.`,
    );
  }
}

export async function setUpChaos(
  options: ChaosOptions,
  timeline: RunTimeline,
  trace: Trace,
  budget: RequestBudget,
): Promise<ChaosSetup> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const tearDown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const serving = await startServe({
      host: options.serverHost,
      port: options.serverPort,
      seed: options.seed,
      timeline,
      trace,
      ...(options.token ? { token: options.token } : {}),
    }).catch((error: unknown) => {
      const { serverHost: host, serverPort: port } = options;
      throw listenFailure(error, { hostFlag: '--server-host', portFlag: '--server-port', host, port });
    });
    cleanups.push(() => serving.close());
    // The embedded proxy serves this run only: a token of its own keeps every other caller out.
    const proxyToken = options.proxyUrl === undefined ? randomBytes(18).toString('base64url') : options.token;
    const embedded =
      options.proxyUrl === undefined
        ? await startChaosProxy({ seed: options.seed, token: proxyToken, allowRemote: options.allowRemote === true })
        : undefined;
    if (embedded) cleanups.push(() => embedded.close());
    const served = new URL(serving.url);
    const upstream = options.upstream ?? `${served.hostname.replace(/^0\.0\.0\.0$/, '127.0.0.1')}:${served.port}`;
    const adminUrl = options.proxyUrl ?? (embedded as ChaosProxyServer).url;
    const link = await ProxyLink.open({
      adminUrl,
      name: `syncstorm-${options.seed.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)}`,
      listen: options.proxyListen,
      upstream,
      ...(proxyToken ? { token: proxyToken } : {}),
    });
    cleanups.push(() => link.remove().catch(() => {}));
    const baseUrl = options.clientUrl ?? urlOf(link.listen);
    await probe(baseUrl, upstream);
    const storageDir = mkdtempSync(join(tmpdir(), 'syncstorm-realnet-'));
    cleanups.push(() => rmSync(storageDir, { recursive: true, force: true }));
    const devices = Array.from(
      { length: options.clients },
      (_, index) => new RealDevice({ deviceId: `d${index + 1}`, baseUrl, trace, timeline, budget, storageDir }),
    );
    cleanups.push(async () => {
      for (const device of devices) await device.stop();
    });
    return { serving, embedded, link, baseUrl, devices, storageDir, tearDown };
  } catch (error) {
    await tearDown();
    throw error;
  }
}
