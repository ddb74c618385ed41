/**
 * @module realnet/serve
 * `startServe`: the reference server (or a server mutant) over real HTTP, in real time,
 * with its control API; on 127.0.0.1 and a free port unless told otherwise. What
 * `syncstorm serve` runs, and what `chaos` and the tests start in-process. The control API
 * answers only this machine's own tools (stranger-guard.ts), with `token` when one is set;
 * the sync API answers anyone who reaches it (the app under test may live on any origin).
 */
import type { Trace } from '../kernel/trace.ts';
import { createHttpHost, type ServerConfig } from '../server/index.ts';
import { ServedServer } from './served-server.ts';
import { serverMutant } from './server-mutants/index.ts';
import { StrangerGuard } from './stranger-guard.ts';
import { RunTimeline } from './timeline.ts';

export interface ServeOptions {
  host?: string;
  port?: number;
  seed?: string;
  /** Server time runs this many times faster than the wall clock (default 1). */
  speed?: number;
  timeline?: RunTimeline;
  /** A server mutant's name (see SERVER_MUTANTS). */
  mutant?: string;
  config?: Partial<ServerConfig>;
  trace?: Trace;
  control?: boolean;
  /** Bound on receiving one request; a slower client gets 408. Default 30 s. */
  requestTimeoutMs?: number;
  /** Required of every control request as `Authorization: Bearer <token>`. */
  token?: string;
}

export interface Serving {
  url: string;
  served: ServedServer;
  close(): Promise<void>;
}

export const SERVE_SEED_DEFAULT = 'serve';
export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

export async function startServe(options: ServeOptions = {}): Promise<Serving> {
  const mutant = options.mutant === undefined ? undefined : serverMutant(options.mutant);
  const served = new ServedServer({
    seed: options.seed ?? SERVE_SEED_DEFAULT,
    timeline: options.timeline ?? new RunTimeline(options.speed ?? 1),
    ...(mutant ? { mutant } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.control === undefined ? {} : { control: options.control }),
  });
  try {
    const bindHost = options.host ?? '127.0.0.1';
    const host = await createHttpHost(served, {
      host: bindHost,
      port: options.port ?? 0,
      requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
    });
    const port = Number(new URL(host.url).port || 80);
    served.controlGuard = new StrangerGuard({
      host: bindHost,
      port,
      ...(options.token ? { token: options.token } : {}),
    });
    return {
      url: host.url,
      served,
      close: async () => {
        await host.close();
        await served.close();
      },
    };
  } catch (error) {
    await served.close();
    throw error;
  }
}
