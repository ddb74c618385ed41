/**
 * @module net/network
 * The simulated network. Each device incarnation gets a standard `fetch` whose requests
 * cross a link (latency, jitter, faults) to the server and whose answers cross back, all
 * in virtual time. The client sees what Node's fetch would show: a `Response`, a
 * `TypeError('fetch failed')` with a coded cause, or its abort reason.
 *
 * Life of an exchange: send (rules and link draws decided, timeout armed) → deliver after
 * the request leg (the server handles it; a duplicate is delivered twice) → respond (the
 * server's answer is read and counted) → receive after the response leg. Events that reach
 * the client carry its incarnation, so a killed instance never hears back; events that reach
 * the server do not, so a request sent just before a kill still lands.
 */
import { assert } from '../kernel/assert.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import { DEVICE_HEADER, IDEMPOTENCY_HEADER } from '../server/protocol.ts';
import { Connectivity, type PartitionDirection } from './connectivity.ts';
import { fetchFailed, type NetworkErrorCode } from './errors.ts';
import { Exchange } from './exchange.ts';
import { plainBodyBytes, plainResponseBytes, rebuiltResponse, retryAfterMs, statusResponse, withUrl } from './http.ts';
import { drawLink, LINK_DEFAULT, linkProfile } from './link.ts';
import { RuleBook } from './rules.ts';
import { TrafficStats } from './stats.ts';
import type { FaultVerdict, LinkProfile, NetworkFaultRule, NetworkOptions, NetworkStats, SimServer } from './types.ts';
import { VIRTUAL_EPOCH_MS } from '../kernel/clock.ts';

/** Bound on open fetches per device; a client past it leaks requests. */
export const INFLIGHT_PER_DEVICE_MAX = 1_000;

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

interface DeviceStreams {
  link: Rng;
  rules: Rng;
}

export class Network {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly scheduler: Scheduler;
  private readonly trace: Trace;
  private readonly server: SimServer;
  private readonly rng: Rng;
  private readonly origin: string;
  private readonly host: { hostname: string; port: number };
  private readonly defaultLink: LinkProfile;
  private readonly links = new Map<string, LinkProfile>();
  private readonly streams = new Map<string, DeviceStreams>();
  private readonly connectivity = new Connectivity();
  private readonly rules = new RuleBook();
  private readonly traffic = new TrafficStats();
  private readonly waitingByDevice = new Map<string, Set<Exchange>>();
  private readonly sent = new Map<string, number>();
  private faultsEnabled = true;

  constructor(options: NetworkOptions) {
    this.scheduler = options.scheduler;
    this.trace = options.trace;
    this.server = options.server;
    this.rng = options.rng.fork('net');
    this.baseUrl = options.baseUrl ?? 'http://sync.test';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    assert(this.timeoutMs > 0, `Network: timeoutMs must be positive, got ${this.timeoutMs}`);
    const base = new URL(this.baseUrl);
    this.origin = base.origin;
    this.host = hostOf(base);
    this.defaultLink = linkProfile(LINK_DEFAULT, options.defaultLink);
  }

  /** A standard `fetch` for this device incarnation. Once it is killed, calls never settle. */
  fetchFor(incarnation: Incarnation): typeof fetch {
    const fetchOfDevice = (input: string | URL | Request, init?: RequestInit) => this.fetch(incarnation, input, init);
    return fetchOfDevice as typeof fetch;
  }

  /** Offline: new requests are refused at once and open ones fail with ECONNRESET. */
  setOnline(deviceId: string, online: boolean): void {
    this.connectivity.setOnline(deviceId, online);
    if (online) return;
    for (const exchange of this.openOf(deviceId)) {
      exchange.cut = true;
      this.fault(exchange, 'offline');
      this.fail(exchange, 'ECONNRESET');
    }
  }

  isOnline(deviceId: string): boolean {
    return this.connectivity.isOnline(deviceId);
  }

  /** The device stays online but what it sends (outbound), receives (inbound) or both is lost. */
  partition(deviceId: string, direction: PartitionDirection = 'both'): void {
    this.connectivity.partition(deviceId, direction);
  }

  repair(deviceId: string): void {
    this.connectivity.repair(deviceId);
  }

  /** Changes the given fields of the device's link; the others keep their value. */
  setLink(deviceId: string, profile: Partial<LinkProfile>): void {
    this.links.set(deviceId, linkProfile(this.linkOf(deviceId), profile));
  }

  linkOf(deviceId: string): Readonly<LinkProfile> {
    return this.links.get(deviceId) ?? this.defaultLink;
  }

  addRule(rule: NetworkFaultRule): void {
    this.rules.add(rule);
  }

  clearRules(): void {
    this.rules.clear();
  }

  /** Heal switch: off ⇒ no random link faults and no rules; latency, offline and partitions stay. */
  setFaultsEnabled(enabled: boolean): void {
    this.faultsEnabled = enabled;
  }

  /** Fetches of the device's live incarnation still waiting for an outcome. */
  inflight(deviceId: string): number {
    return this.openOf(deviceId).length;
  }

  stats(): NetworkStats {
    return this.traffic.snapshot();
  }

  private fetch(incarnation: Incarnation, input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (!incarnation.alive) return new Promise<Response>(() => {});
    let request: Request;
    try {
      const target = typeof input === 'string' && !ABSOLUTE_URL.test(input) ? new URL(input, this.baseUrl) : input;
      request = new Request(target, init);
    } catch (error) {
      return Promise.reject(error);
    }
    // Only a signal the client gave can fire; listening to every request's own signal costs time.
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const exchange = this.openExchange(incarnation, request, signal);
    const bytes = plainBodyBytes(input, init);
    if (bytes !== undefined) {
      this.start(exchange, bytes);
    } else {
      // A stream, Blob or form body: read it whole first (at the same virtual time), as it will be sent.
      request.arrayBuffer().then(
        (body) => {
          exchange.request = new Request(request, { body });
          this.start(exchange, body.byteLength);
        },
        (error: unknown) => exchange.reject(new TypeError('fetch failed', { cause: error })),
      );
    }
    return exchange.promise;
  }

  /** Records the send and starts tracking the exchange; its request id is its place in the device's sends. */
  private openExchange(incarnation: Incarnation, request: Request, signal: AbortSignal | undefined): Exchange {
    const device = incarnation.deviceId;
    const number = (this.sent.get(device) ?? 0) + 1;
    this.sent.set(device, number);
    const url = request.url;
    const inOrigin = url.startsWith(this.origin) && (url.length === this.origin.length || url[this.origin.length] === '/');
    const exchange = new Exchange({
      id: `${device}#${number}`,
      incarnation,
      request,
      path: inOrigin ? pathOf(url, this.origin.length) : new URL(url).pathname,
      inOrigin,
      scheduler: this.scheduler,
    });
    const key = request.headers.get(IDEMPOTENCY_HEADER);
    this.trace.record('net.send', {
      device,
      requestId: exchange.id,
      method: request.method,
      path: exchange.path,
      ...(key === null ? {} : { key }),
    });
    this.track(exchange);
    if (signal !== undefined) exchange.onAbort(signal, () => this.abort(exchange, signal));
    return exchange;
  }

  /** The request leaves the device: refused when offline, else put on the link. */
  private start(exchange: Exchange, requestBytes: number): void {
    if (!exchange.waiting) return;
    const device = exchange.device;
    if (!exchange.inOrigin) {
      this.failSoon(exchange, 'ENOTFOUND');
    } else if (!this.connectivity.isOnline(device)) {
      this.fault(exchange, 'offline');
      this.failSoon(exchange, 'ECONNREFUSED');
    } else {
      exchange.request.headers.set(DEVICE_HEADER, device);
      this.traffic.request(device, requestBytes);
      this.dispatch(exchange);
    }
  }

  /** Decides the exchange's fate, arms its timeout and puts the request on the link. */
  private dispatch(exchange: Exchange): void {
    const device = exchange.device;
    const streams = this.streamsOf(device);
    exchange.watch(
      this.scheduler.after(this.timeoutMs, 'net.timeout', () => this.fail(exchange, 'ETIMEDOUT'), exchange.incarnation),
    );
    const hit =
      this.faultsEnabled && this.rules.size > 0
        ? this.rules.evaluate(
            { device, method: exchange.request.method, path: exchange.path, timeMs: this.scheduler.now() },
            streams.rules,
          )
        : undefined;
    const draw = drawLink(streams.link, this.linkOf(device), this.faultsEnabled && hit === undefined);
    const verdict: FaultVerdict = hit?.verdict ?? (draw.fault === undefined ? { type: 'pass' } : { type: draw.fault });
    exchange.verdict = verdict;
    let requestDelayMs = draw.requestDelayMs;
    exchange.responseDelayMs = draw.responseDelayMs + draw.reorderDelayMs;
    if (draw.reorderDelayMs > 0) this.fault(exchange, 'reorder');
    if (verdict.type === 'delay') {
      this.fault(exchange, 'delay');
      if (verdict.leg === 'response') exchange.responseDelayMs += verdict.ms;
      else requestDelayMs += verdict.ms;
    }
    if (this.connectivity.outboundCut(device)) return this.fault(exchange, 'partition-outbound');
    if (verdict.type === 'drop-request') return this.fault(exchange, 'drop-request');
    const request = exchange.request;
    if (verdict.type === 'duplicate') {
      this.fault(exchange, 'duplicate');
      const copy = request.clone();
      const copyDelayMs = requestDelayMs + (verdict.delayMs ?? requestDelayMs);
      this.scheduler.after(copyDelayMs, 'net.deliver', () => this.deliver(exchange, 1, copy));
    }
    this.scheduler.after(requestDelayMs, 'net.deliver', () => this.deliver(exchange, 0, request));
  }

  /** The request reaches the server (or the gateway of a status verdict). */
  private deliver(exchange: Exchange, copy: number, request: Request): void {
    if (exchange.cut) return;
    this.trace.record('net.deliver', { device: exchange.device, requestId: exchange.id, copy });
    const verdict = exchange.verdict;
    if (verdict.type === 'status') {
      this.fault(exchange, 'status');
      void this.respond(exchange, copy, statusResponse(verdict));
      return;
    }
    void this.serve(exchange, copy, request);
  }

  private async serve(exchange: Exchange, copy: number, request: Request): Promise<void> {
    let response: Response;
    try {
      response = await this.server.handle(request, { deviceId: exchange.device });
    } catch (error) {
      // A throwing server is a bug in it: report it; the client sees a reset connection.
      this.scheduler.onError(error, `net.serve:${exchange.id}`);
      response = Response.error();
    }
    await this.respond(exchange, copy, response);
  }

  /** The server has answered: measure and count the answer, then send it back (or lose it). */
  private async respond(exchange: Exchange, copy: number, answer: Response): Promise<void> {
    assert(!answer.bodyUsed, `net: the server answered ${exchange.id} with a response whose body was already read`);
    const failed = answer.type === 'error';
    let response = answer;
    let bytes = failed ? 0 : plainResponseBytes(answer);
    if (bytes === undefined) {
      const buffer = await answer.arrayBuffer();
      bytes = buffer.byteLength;
      response = rebuiltResponse(answer, buffer);
    }
    this.traffic.response(exchange.device, bytes);
    this.trace.record('net.respond', { device: exchange.device, requestId: exchange.id, status: answer.status });
    if (copy !== 0 || !exchange.waiting) return;
    if (this.connectivity.inboundCut(exchange.device)) return this.fault(exchange, 'partition-inbound');
    if (exchange.verdict.type === 'drop-response') return this.fault(exchange, 'drop-response');
    const receive = () => this.receive(exchange, failed ? undefined : response);
    exchange.watch(this.scheduler.after(exchange.responseDelayMs, 'net.receive', receive, exchange.incarnation));
  }

  /** The answer reaches the client. `response` undefined: the server's connection broke. */
  private receive(exchange: Exchange, response: Response | undefined): void {
    if (response === undefined || exchange.verdict.type === 'reset') {
      if (exchange.verdict.type === 'reset') this.fault(exchange, 'reset');
      return this.fail(exchange, 'ECONNRESET');
    }
    const retryAfter = retryAfterMs(response.headers, VIRTUAL_EPOCH_MS + this.scheduler.now());
    this.trace.record('net.receive', {
      device: exchange.device,
      requestId: exchange.id,
      status: response.status,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
    exchange.resolve(withUrl(response, exchange.request.url));
  }

  private fail(exchange: Exchange, code: NetworkErrorCode): void {
    if (!exchange.waiting) return;
    this.trace.record('net.fail', { device: exchange.device, requestId: exchange.id, code });
    const url = exchange.request.url;
    exchange.reject(fetchFailed(code, url.startsWith(this.origin) ? this.host : hostOf(new URL(url))));
  }

  /** Fails the exchange at the current virtual time, as its own event (a failing loop costs events). */
  private failSoon(exchange: Exchange, code: NetworkErrorCode): void {
    exchange.watch(this.scheduler.after(0, 'net.fail', () => this.fail(exchange, code), exchange.incarnation));
  }

  private abort(exchange: Exchange, signal: AbortSignal): void {
    if (!exchange.waiting) return;
    this.trace.record('net.abort', { device: exchange.device, requestId: exchange.id });
    exchange.reject(signal.reason);
  }

  private fault(exchange: Exchange, fault: string): void {
    this.trace.record('net.fault', { device: exchange.device, requestId: exchange.id, fault });
  }

  private streamsOf(deviceId: string): DeviceStreams {
    let streams = this.streams.get(deviceId);
    if (streams === undefined) {
      streams = { link: this.rng.fork(`link:${deviceId}`), rules: this.rng.fork(`rules:${deviceId}`) };
      this.streams.set(deviceId, streams);
    }
    return streams;
  }

  private track(exchange: Exchange): void {
    let set = this.waitingByDevice.get(exchange.device);
    if (set === undefined) {
      set = new Set();
      this.waitingByDevice.set(exchange.device, set);
    }
    set.add(exchange);
    exchange.onClose = () => set.delete(exchange);
    if (set.size > INFLIGHT_PER_DEVICE_MAX) this.openOf(exchange.device);
    assert(set.size <= INFLIGHT_PER_DEVICE_MAX, `device ${exchange.device} has ${set.size} fetches in flight`);
  }

  /** The device's waiting exchanges, in send order; forgets those of killed incarnations. */
  private openOf(deviceId: string): Exchange[] {
    const set = this.waitingByDevice.get(deviceId);
    if (set === undefined) return [];
    const waiting: Exchange[] = [];
    for (const exchange of set) {
      if (exchange.waiting) waiting.push(exchange);
      else set.delete(exchange);
    }
    return waiting;
  }
}

function hostOf(url: URL): { hostname: string; port: number } {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { hostname: url.hostname, port };
}

/** Pathname of an absolute URL whose origin is `originLength` characters long. */
function pathOf(url: string, originLength: number): string {
  let end = url.length;
  const query = url.indexOf('?', originLength);
  if (query !== -1) end = query;
  const hash = url.indexOf('#', originLength);
  if (hash !== -1 && hash < end) end = hash;
  return end === originLength ? '/' : url.slice(originLength, end);
}
