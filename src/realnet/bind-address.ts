/**
 * @module realnet/bind-address
 * Where a local server of syncstorm may listen, and what a failed listen means to the user.
 * Loopback (127.0.0.0/8, ::1, localhost) is the default everywhere; any other interface needs
 * an explicit `--allow-remote` (then a warning is printed). A listen that fails (port in use,
 * an address this machine does not have, a host name that does not resolve) is bad input:
 * one line naming the flag, exit 2.
 */
import { isIP } from 'node:net';
import { UsageError } from '../kernel/errors.ts';

/** Hosts that mean "every interface". */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** `[::1]` -> `::1`; lower case. */
export function bareHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

/** True for localhost, 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
export function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) !== 6) return false;
  // The URL parser writes an IPv6 address in its canonical form: ::1, ::ffff:7f00:1.
  const canonical = new URL(`http://[${bare}]/`).hostname;
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** True for 0.0.0.0 and ::, which listen on every interface. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host.trim());
}

export interface BindCheck {
  /** The flag that named the host, e.g. `--host`. */
  flag: string;
  host: string;
  allowRemote: boolean;
  /** Printed when a remote binding is allowed. */
  warn?: (line: string) => void;
}

/** Throws a UsageError for an empty host or a non-loopback one without `--allow-remote`; warns when allowed. */
export function checkBindHost(check: BindCheck): void {
  const { flag, host } = check;
  if (host.trim() === '')
    throw new UsageError(`${flag} '': give an interface to listen on, e.g. 127.0.0.1 (loopback, the default).`);
  if (isLoopbackHost(host)) return;
  if (!check.allowRemote) {
    throw new UsageError(
      `${flag} '${host}' is not a loopback address: anyone who can reach it could drive this server. Add --allow-remote to mean it (and set a token with --token or SYNCSTORM_TOKEN).`,
    );
  }
  check.warn?.(
    `warning: ${flag} ${host}: listening beyond loopback (--allow-remote); only the Host names of this machine are served, and a token (--token or SYNCSTORM_TOKEN) is advised\n`,
  );
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use (another server is running there?); pick another port, or 0 for any free one',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'not allowed to listen there (ports below 1024 need privileges)',
  EPERM: 'not allowed to listen there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  EAI_FAIL: 'the host name could not be resolved',
  EINVAL: 'not an address this machine can listen on',
};

/** A UsageError for a failed listen when the error is one of the user's making; otherwise the error as it is. */
export function listenFailure(
  error: unknown,
  where: { hostFlag: string; portFlag: string; host: string; port: number },
): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !Object.hasOwn(LISTEN_ERRORS, code)) return error;
  const flag =
    code === 'EADDRINUSE' || code === 'EACCES'
      ? `${where.portFlag} ${where.port}`
      : `${where.hostFlag} '${where.host}'`;
  return new UsageError(`${flag}: cannot listen on ${where.host}:${where.port}: ${LISTEN_ERRORS[code]} (${code}).`);
}
