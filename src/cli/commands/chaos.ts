/**
 * @module cli/commands/chaos
 * `syncstorm chaos --clients N`: N clients in this process, with real fetch and real
 * timers, through a proxy (Toxiproxy at --proxy-url, else the embedded one) to the reference
 * server served in this process, while a named schedule plays toxics; then heal, the
 * simulator's checkers on the recorded history, and the simulator's reports. Exit 0 when
 * every invariant held, 1 otherwise, 2 for bad input (unknown client or schedule,
 * unreachable proxy).
 */
import { UsageError } from '../../kernel/errors.ts';
import { checkBindHost } from '../../realnet/bind-address.ts';
import { CHAOS_DEFAULTS, type ChaosOptions } from '../../realnet/chaos/options.ts';
import { runChaos } from '../../realnet/chaos/run-chaos.ts';
import { parseAddress } from '../../realnet/proxy/index.ts';
import type { ClientCache } from '../clients.ts';
import { runLine } from '../format.ts';
import { type CliIo, paint } from '../io.ts';
import { emitReports, type ReportFlags } from '../reports.ts';
import { tokenOf } from './realnet-flags.ts';

export interface ChaosFlags extends ReportFlags {
  client: string;
  clients: number;
  schedule: string;
  /** ms */
  duration: number;
  seed: string;
  ops: number;
  speed: number;
  proxyUrl?: string;
  proxyListen: string;
  upstream?: string;
  clientUrl?: string;
  serverHost: string;
  serverPort: number;
  requestsMax: number;
  /** ms */
  heal: number;
  token?: string;
  allowRemote?: boolean;
}

function chaosOptions(flags: ChaosFlags, token: string | undefined): Omit<ChaosOptions, 'client'> {
  return {
    ...CHAOS_DEFAULTS,
    clients: flags.clients,
    seed: flags.seed,
    schedule: flags.schedule,
    durationMs: flags.duration,
    speed: flags.speed,
    opsPerClient: flags.ops,
    proxyListen: flags.proxyListen,
    serverHost: flags.serverHost,
    serverPort: flags.serverPort,
    requestsMax: flags.requestsMax,
    healMs: flags.heal,
    allowRemote: flags.allowRemote === true,
    ...(token === undefined ? {} : { token }),
    ...(flags.proxyUrl ? { proxyUrl: flags.proxyUrl } : {}),
    ...(flags.upstream ? { upstream: flags.upstream } : {}),
    ...(flags.clientUrl ? { clientUrl: flags.clientUrl } : {}),
  };
}

/** The in-process server's interface, and the embedded proxy's listen address: loopback unless --allow-remote. */
function checkBindings(flags: ChaosFlags, io: CliIo): void {
  const allowRemote = flags.allowRemote === true;
  checkBindHost({ flag: '--server-host', host: flags.serverHost, allowRemote, warn: io.err });
  if (flags.proxyUrl !== undefined) return;
  try {
    const { host } = parseAddress(flags.proxyListen, '--proxy-listen');
    checkBindHost({ flag: '--proxy-listen', host, allowRemote, warn: io.err });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--proxy-listen '${flags.proxyListen}': expected host:port, e.g. 127.0.0.1:0.`);
  }
}

export async function chaosCommand(flags: ChaosFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const token = tokenOf(flags);
  checkBindings(flags, io);
  const client = await clients.get(flags.client);
  const print = flags.json ? io.err : io.out;
  const outcome = await runChaos({
    ...chaosOptions(flags, token),
    client,
    log: (text) => io.err(`${text}\n`),
  });
  const result = outcome.result;
  print(`${runLine(result, paint(io.color))}\n`);
  for (const violation of result.violations.slice(0, 10)) print(`    ${violation.invariant}: ${violation.message}\n`);
  const { applied, failed } = outcome.actions;
  print(
    paint(io.color).dim(
      `    ${result.stats.exchanges} requests, ${applied} toxic changes (${failed} refused), ${(result.stats.wallMs / 1000).toFixed(1)} s\n`,
    ),
  );
  emitReports(io, 'chaos', flags, { results: [result] }, { alwaysWrite: true });
  return result.passed ? 0 : 1;
}
