/**
 * @module cli/commands/serve
 * `syncstorm serve`: the reference server (or `--mutant <name>`, a deliberately broken one)
 * over HTTP, on loopback unless `--host` says otherwise, with its control API under
 * /_syncstorm/. With `--proxy-url` it also plays a chaos schedule, over and over, on a
 * Toxiproxy (or `syncstorm proxy`) in front of it. Ctrl-C (or SIGTERM) stops it cleanly.
 * Beyond loopback only with `--allow-remote`; a port in use or a host this machine does not
 * have is bad input (exit 2).
 */
import { checkBindHost, listenFailure } from '../../realnet/bind-address.ts';
import { CyclePlayer } from '../../realnet/chaos/cycle-player.ts';
import { findSchedule } from '../../realnet/chaos/schedules.ts';
import { ProxyLink, type ProxyLinkOptions } from '../../realnet/chaos/toxiproxy-link.ts';
import { type Serving, startServe } from '../../realnet/serve.ts';
import { untilStopped } from '../../realnet/stop-signal.ts';
import type { CliIo } from '../io.ts';
import { tokenOf } from './realnet-flags.ts';

export interface ServeFlags {
  host: string;
  port: number;
  seed: string;
  speed: number;
  mutant?: string;
  control: boolean;
  proxyUrl?: string;
  schedule: string;
  proxyListen: string;
  upstream?: string;
  cycle: number;
  token?: string;
  allowRemote?: boolean;
}

export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  seed: 'serve',
  speed: 1,
  schedule: 'flaky-3g',
  proxyListen: '127.0.0.1:8666',
  cycleMs: 60_000,
} as const;

/** How long `serve` waits for the proxy's admin API to come up (Toxiproxy starting beside it). */
const PROXY_WAIT_MS = 30_000;

async function openWithRetry(options: ProxyLinkOptions, stopped: AbortSignal): Promise<ProxyLink> {
  const deadline = performance.now() + PROXY_WAIT_MS;
  for (;;) {
    try {
      return await ProxyLink.open(options);
    } catch (error) {
      if (performance.now() > deadline || stopped.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Plays the schedule in cycles (a new draw each cycle) until stopped; returns the stop. */
async function playSchedule(
  flags: ServeFlags,
  token: string | undefined,
  serving: Serving,
  io: CliIo,
  stopped: AbortSignal,
): Promise<() => Promise<void>> {
  const served = new URL(serving.url);
  const upstream = flags.upstream ?? `${served.hostname.replace(/^0\.0\.0\.0$/, '127.0.0.1')}:${served.port}`;
  const link = await openWithRetry(
    {
      adminUrl: flags.proxyUrl as string,
      name: 'syncstorm',
      listen: flags.proxyListen,
      upstream,
      ...(token === undefined ? {} : { token }),
    },
    stopped,
  );
  const schedule = findSchedule(flags.schedule);
  io.err(`chaos: schedule ${schedule.name} on proxy ${link.listen} -> ${upstream}, ${flags.cycle / 1000} s cycles\n`);
  const player = new CyclePlayer({
    link,
    schedule,
    seed: flags.seed,
    cycleMs: flags.cycle,
    trace: serving.served.trace,
    log: (line) => io.err(`${line}\n`),
  });
  player.start();
  return () => player.stop();
}

export async function serveCommand(flags: ServeFlags, io: CliIo, stop?: AbortSignal): Promise<number> {
  const token = tokenOf(flags);
  checkBindHost({ flag: '--host', host: flags.host, allowRemote: flags.allowRemote === true, warn: io.err });
  const serving = await startServe({
    host: flags.host,
    port: flags.port,
    seed: flags.seed,
    speed: flags.speed,
    control: flags.control,
    ...(flags.mutant ? { mutant: flags.mutant } : {}),
    ...(token === undefined ? {} : { token }),
  }).catch((error: unknown) => {
    throw listenFailure(error, { hostFlag: '--host', portFlag: '--port', host: flags.host, port: flags.port });
  });
  const what = flags.mutant === undefined ? 'reference server' : `server mutant '${flags.mutant}'`;
  io.out(`syncstorm serve: ${what} at ${serving.url}\n`);
  if (flags.control)
    io.out(`control API: ${serving.url}/_syncstorm/ (health, history, records, rules, faults, reset)\n`);
  if (flags.control && token !== undefined) io.out('control API: requires Authorization: Bearer <token>\n');
  const stopped = new AbortController();
  let stopSchedule: (() => Promise<void>) | undefined;
  try {
    if (flags.proxyUrl !== undefined) stopSchedule = await playSchedule(flags, token, serving, io, stopped.signal);
    io.err('Ctrl-C stops the server.\n');
    const reason = await untilStopped(stop);
    stopped.abort();
    io.err(`${reason}: stopping (${serving.served.trace.length} events recorded)\n`);
  } finally {
    stopped.abort();
    await stopSchedule?.();
    await serving.close();
  }
  return 0;
}
