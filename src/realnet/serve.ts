/**
 * @module realnet/serve
 * `startServe`: the reference server (or a server mutant) over real HTTP, in real time,
 * with its control API; on 127.0.0.1 and a free port unless told otherwise. What
 * `syncstorm serve` runs, and what `chaos` and the tests start in-process.
 */
import type { Trace } from '../kernel/trace.ts';
import { createHttpHost, type ServerConfig } from '../server/index.ts';
import { ServedServer } from './served-server.ts';
import { serverMutant } from './server-mutants/index.ts';
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
    const host = await createHttpHost(served, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
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
