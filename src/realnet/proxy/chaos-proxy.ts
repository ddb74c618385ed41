/**
 * @module realnet/proxy/chaos-proxy
 * One proxy of the embedded chaos proxy: listens on `listen`, forwards every connection to
 * `upstream` through its toxic chain. Disabling it (Toxiproxy's "down") closes the listener
 * and every open connection, so new connections are refused; enabling listens again on the
 * same address. A listen port of 0 takes a free port, reported back in `listen`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Rng } from '../../kernel/rng.ts';
import { API_ERRORS, ApiError } from './api-error.ts';
import { Link, type Upstream } from './link.ts';
import type { ToxicJson } from './toxic-spec.ts';
import { ToxicChain } from './toxics.ts';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** Go's words for a listen that failed, keyed by Node's error code. */
const BIND_FAILURES: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
  EACCES: 'bind: permission denied',
};

/** A listen address that cannot be used: 500, as Toxiproxy answers with Go's net error. */
export function listenError(listen: string, detail: string): ApiError {
  return new ApiError(`listen tcp ${listen}: ${detail}`, 500);
}

/** `host:port` (IPv6 in brackets) into its parts; a missing host means 127.0.0.1. */
export function parseAddress(address: string, field: string): Upstream {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address.trim());
  const port = Number(match?.[3]);
  if ((match === null || port > 65_535) && field === 'listen')
    throw new ApiError(`listen tcp: address ${address}: missing port in address`, 500);
  if (match === null || port > 65_535) throw API_ERRORS.badBody(`${field} must be host:port, got '${address}'`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' || host === 'localhost' ? '127.0.0.1' : host, port };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ChaosProxy {
  readonly toxics = new ToxicChain();
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private linkNext = 1;
  listen: string;
  upstream: string;
  enabled = false;

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly rng: Rng,
  ) {
    parseAddress(listen, 'listen');
    parseAddress(upstream, 'upstream');
    this.listen = listen;
    this.upstream = upstream;
  }

  toJson(): ProxyJson {
    const toxics = this.toxics.all().map((toxic) => toxic.json);
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics };
  }

  get connections(): number {
    return this.links.size;
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const address = parseAddress(this.listen, 'listen');
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(listenError(this.listen, BIND_FAILURES[error.code ?? ''] ?? error.code ?? error.message)),
      );
      server.listen(address.port, address.host, () => resolve());
    });
    server.on('error', () => {});
    const bound = server.address();
    if (bound !== null && typeof bound === 'object') this.listen = formatAddress(address.host, bound.port);
    this.server = server;
    this.enabled = true;
  }

  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    for (const link of [...this.links]) link.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }

  private accept(socket: Socket): void {
    socket.on('error', () => {});
    if (!this.enabled) {
      socket.destroy();
      return;
    }
    const rng = this.rng.fork(`link-${this.linkNext++}`);
    const link = new Link(socket, parseAddress(this.upstream, 'upstream'), this.toxics, rng, (done) =>
      this.links.delete(done),
    );
    if (!link.closed) this.links.add(link);
  }

  /** New listen/upstream/enabled; a changed address restarts the listener. */
  async update(changes: { listen?: string; upstream?: string; enabled?: boolean }): Promise<void> {
    const moved =
      (changes.listen !== undefined && changes.listen !== this.listen) ||
      (changes.upstream !== undefined && changes.upstream !== this.upstream);
    if (changes.listen !== undefined) parseAddress(changes.listen, 'listen');
    if (changes.upstream !== undefined) parseAddress(changes.upstream, 'upstream');
    const enable = changes.enabled ?? this.enabled;
    if (moved || !enable) await this.stop();
    if (changes.listen !== undefined) this.listen = changes.listen;
    if (changes.upstream !== undefined) this.upstream = changes.upstream;
    if (enable) await this.start();
  }
}
