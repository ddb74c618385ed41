/**
 * @module realnet/stranger-guard
 * Who may use the control API of `syncstorm serve` (/_syncstorm/) and the admin API of the
 * embedded proxy: the user's own tools, not a web page that happens to be open in their
 * browser. A request is refused when
 * - its Host header does not name this server (DNS rebinding: a foreign name that resolves
 *   to 127.0.0.1) — 403 `foreign-host`;
 * - it carries an Origin other than this server's own (any web page, `null` included) — 403
 *   `foreign-origin`;
 * - a token is set and the request does not carry it as `Authorization: Bearer <token>` —
 *   401 `token-required`;
 * - it may change state (any method but GET, HEAD, OPTIONS) and declares a body that is not
 *   `application/json` (a form or text/plain post, which browsers send cross-site without
 *   asking) — 415 `json-only`. A request without any body and without Content-Type passes
 *   (toxiproxy-node-client sends `POST /reset` and every DELETE that way); browsers always
 *   send Origin on such a cross-site request, so the Origin rule refuses those.
 *
 * Host names accepted: on loopback, localhost, 127.0.0.1, [::1] and the bound host; on a
 * wildcard address (0.0.0.0, ::), any IP address, localhost and this machine's host name;
 * on another address, that address and this machine's host name. Always with the bound port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { bareHost, isLoopbackHost, isWildcardHost } from './bind-address.ts';

/** What the guard reads from a request. */
export interface GuardRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  /** The request declares a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: boolean;
}

export interface Refusal {
  status: 401 | 403 | 415;
  reason: 'foreign-host' | 'foreign-origin' | 'token-required' | 'json-only';
  detail: string;
}

export interface StrangerGuardOptions {
  /** The host the server listens on, as given (127.0.0.1, ::1, 0.0.0.0, a name). */
  host: string;
  /** The bound port (a port of 0 already resolved). */
  port: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

/** Largest token accepted (flag or environment). */
export const TOKEN_LENGTH_MAX = 512;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** `host[:port]` as a URL normalises it, or undefined when it is not a plain host. */
function normalHost(value: string): URL | undefined {
  if (!HOST_HEADER.test(value)) return undefined;
  try {
    return new URL(`http://${value}`);
  } catch {
    return undefined;
  }
}

export class StrangerGuard {
  private readonly names = new Set<string>();
  private readonly anyAddress: boolean;
  private readonly port: string;
  private readonly token: Buffer | undefined;

  constructor(options: StrangerGuardOptions) {
    const bound = bareHost(options.host);
    this.anyAddress = isWildcardHost(options.host);
    this.port = String(options.port);
    this.token = options.token === undefined ? undefined : digest(options.token);
    if (!this.anyAddress) this.names.add(normalHost(bound.includes(':') ? `[${bound}]` : bound)?.hostname ?? bound);
    if (isLoopbackHost(options.host) || this.anyAddress)
      for (const name of ['localhost', '127.0.0.1', '[::1]']) this.names.add(name);
    if (!isLoopbackHost(options.host)) this.names.add(hostname().toLowerCase());
  }

  /** undefined when the request may go on; otherwise why not. */
  check(request: GuardRequest): Refusal | undefined {
    const host = request.host === undefined ? undefined : normalHost(request.host);
    if (host === undefined || !this.servesHost(host)) {
      return { status: 403, reason: 'foreign-host', detail: `Host '${request.host ?? ''}' does not name this server` };
    }
    if (request.origin !== undefined && !this.sameOrigin(request.origin, host)) {
      return { status: 403, reason: 'foreign-origin', detail: `Origin '${request.origin}' is not this server` };
    }
    if (this.token !== undefined && !this.carriesToken(request.authorization)) {
      return { status: 401, reason: 'token-required', detail: 'send the token as Authorization: Bearer <token>' };
    }
    if (!SAFE_METHODS.has(request.method.toUpperCase()) && !this.jsonOrNothing(request)) {
      return {
        status: 415,
        reason: 'json-only',
        detail: `a request that changes state takes Content-Type: application/json, not '${request.contentType ?? ''}'`,
      };
    }
    return undefined;
  }

  private servesHost(host: URL): boolean {
    if ((host.port === '' ? '80' : host.port) !== this.port) return false;
    const name = host.hostname;
    if (this.names.has(name)) return true;
    return this.anyAddress && isIP(bareHost(name)) !== 0;
  }

  private sameOrigin(origin: string, host: URL): boolean {
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && url.host === host.host && url.origin === origin.replace(/\/$/, '');
    } catch {
      return false;
    }
  }

  private carriesToken(authorization: string | undefined): boolean {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1] as string), this.token as Buffer);
  }

  private jsonOrNothing(request: GuardRequest): boolean {
    if (request.contentType === undefined) return !request.hasBody;
    const media = request.contentType.split(';')[0]?.trim().toLowerCase();
    return media === 'application/json';
  }
}

/** The guard's view of a fetch Request (the control API). */
export function guardRequestOf(request: Request): GuardRequest {
  const header = (name: string) => request.headers.get(name) ?? undefined;
  return {
    method: request.method,
    host: header('host'),
    origin: header('origin'),
    contentType: header('content-type'),
    authorization: header('authorization'),
    hasBody: Number(header('content-length') ?? 0) > 0 || header('transfer-encoding') !== undefined,
  };
}

/** The guard's view of a node:http request (the proxy's admin API). */
export function guardRequestOfIncoming(req: IncomingMessage): GuardRequest {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    method: req.method ?? 'GET',
    host: header('host'),
    origin: header('origin'),
    contentType: header('content-type'),
    authorization: header('authorization'),
    hasBody: Number(header('content-length') ?? 0) > 0 || header('transfer-encoding') !== undefined,
  };
}
