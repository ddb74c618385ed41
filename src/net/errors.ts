/**
 * @module net/errors
 * Failures shaped like Node's own fetch (undici), so a client written against the real
 * network handles the simulated one the same way: `TypeError('fetch failed')` whose
 * `cause` is a system error with `code`, `errno` and `syscall`.
 */

export type NetworkErrorCode = 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'ENOTFOUND';

/** The cause Node attaches to a failed fetch (a libuv system error). */
export interface SystemError extends Error {
  code: NetworkErrorCode;
  errno: number;
  syscall: string;
  hostname?: string;
  address?: string;
  port?: number;
}

const SYSTEM_ERRORS: Record<NetworkErrorCode, { errno: number; syscall: string }> = {
  ECONNREFUSED: { errno: -111, syscall: 'connect' },
  ECONNRESET: { errno: -104, syscall: 'read' },
  ETIMEDOUT: { errno: -110, syscall: 'read' },
  ENOTFOUND: { errno: -3008, syscall: 'getaddrinfo' },
};

/** `host` is `hostname:port` of the target, as Node prints it for connect errors. */
export function systemError(code: NetworkErrorCode, host: { hostname: string; port: number }): SystemError {
  const { errno, syscall } = SYSTEM_ERRORS[code];
  const where =
    code === 'ECONNREFUSED' ? ` ${host.hostname}:${host.port}` : code === 'ENOTFOUND' ? ` ${host.hostname}` : '';
  const error = new Error(`${syscall} ${code}${where}`) as SystemError;
  error.code = code;
  error.errno = errno;
  error.syscall = syscall;
  if (code === 'ENOTFOUND') error.hostname = host.hostname;
  if (code === 'ECONNREFUSED') {
    error.address = host.hostname;
    error.port = host.port;
  }
  return error;
}

/** What the client's `fetch` rejects with: `TypeError('fetch failed')` with the system error as `cause`. */
export function fetchFailed(code: NetworkErrorCode, host: { hostname: string; port: number }): TypeError {
  return new TypeError('fetch failed', { cause: systemError(code, host) });
}

/** The `cause.code` of a fetch failure (simulated or real), or undefined for anything else. */
export function networkErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}
