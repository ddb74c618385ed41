/**
 * @module cli/commands/proxy
 * `syncstorm proxy`: the embedded chaos proxy, for machines without Docker. Its admin API
 * (default 127.0.0.1:8474, Toxiproxy's port) speaks the subset of Toxiproxy's that syncstorm
 * uses, so `chaos --proxy-url` and `serve --proxy-url` drive it exactly as they drive
 * Toxiproxy. `--config` creates proxies from a Toxiproxy config file (a JSON list of
 * {name, listen, upstream}). Ctrl-C stops it. The admin API and the proxies stay on loopback
 * unless `--allow-remote`; `--token` (or SYNCSTORM_TOKEN) is then required of every admin call.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { UsageError } from '../../kernel/errors.ts';
import { checkBindHost, listenFailure } from '../../realnet/bind-address.ts';
import { ApiError, startChaosProxy } from '../../realnet/proxy/index.ts';
import { parseProxyInput } from '../../realnet/proxy/registry.ts';
import { untilStopped } from '../../realnet/stop-signal.ts';
import type { CliIo } from '../io.ts';
import { tokenOf } from './realnet-flags.ts';

export interface ProxyFlags {
  host: string;
  port: number;
  seed: string;
  config?: string;
  token?: string;
  allowRemote?: boolean;
}

/** Largest config file read (a list of proxies is small; a device or a FIFO is refused before reading). */
const CONFIG_BYTES_MAX = 1 << 20;

function readConfig(path: string): unknown[] {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new UsageError(`Cannot read proxy config '${path}': ${(error as Error).message}`);
  }
  if (!stats.isFile()) throw new UsageError(`--config '${path}': not a regular file.`);
  if (stats.size > CONFIG_BYTES_MAX) throw new UsageError(`--config '${path}': larger than ${CONFIG_BYTES_MAX} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read proxy config '${path}': ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed))
    throw new UsageError(`Proxy config '${path}' must be a JSON list of {name, listen, upstream}.`);
  return parsed;
}

export async function proxyCommand(flags: ProxyFlags, io: CliIo, stop?: AbortSignal): Promise<number> {
  const token = tokenOf(flags);
  const allowRemote = flags.allowRemote === true;
  checkBindHost({ flag: '--host', host: flags.host, allowRemote, warn: io.err });
  const config = flags.config === undefined ? [] : readConfig(flags.config);
  const server = await startChaosProxy({
    host: flags.host,
    port: flags.port,
    seed: flags.seed,
    allowRemote,
    ...(token === undefined ? {} : { token }),
  }).catch((error: unknown) => {
    throw listenFailure(error, { hostFlag: '--host', portFlag: '--port', host: flags.host, port: flags.port });
  });
  try {
    try {
      const proxies = await server.registry.populate(config.map(parseProxyInput));
      for (const proxy of proxies) io.out(`proxy ${proxy.name}: ${proxy.listen} -> ${proxy.upstream}\n`);
    } catch (error) {
      if (error instanceof ApiError) throw new UsageError(`Proxy config '${flags.config}': ${error.message}`);
      throw error;
    }
    io.out(`syncstorm proxy: Toxiproxy-compatible admin API at ${server.url}\n`);
    io.err(
      'Toxics: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, noop. Not implemented: /metrics, /events, TLS. Ctrl-C stops it.\n',
    );
    const reason = await untilStopped(stop);
    io.err(`${reason}: stopping\n`);
  } finally {
    await server.close();
  }
  return 0;
}
