/**
 * @module net/transport
 * The life of an exchange, in virtual time: send (rules and link draws decided, timeout
 * armed) → deliver after the request leg (the server handles it; a duplicate is delivered
 * twice) → respond (the server's answer is measured and counted) → receive after the
 * response leg. Events that reach the client carry its incarnation, so a killed instance
 * never hears back; events that reach the server do not, so a request sent just before a
 * kill still lands. What the client sees is what Node's fetch would show: a `Response`, a
 * `TypeError('fetch failed')` with a coded cause, or its abort reason.
 */
import { assert } from '../kernel/assert.ts';
import { VIRTUAL_EPOCH_MS } from '../kernel/clock.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import { DEVICE_HEADER, IDEMPOTENCY_HEADER } from '../server/protocol.ts';
import type { Connectivity } from './connectivity.ts';
import { fetchFailed, type NetworkErrorCode } from './errors.ts';
import { Exchange, PASS } from './exchange.ts';
import {
  type Host,
  hostOf,
  pathOf,
  plainBodyBytes,
  plainResponseBytes,
  plainStatusResponse,
  queryOf,
  rebuiltResponse,
  retryAfterMs,
  statusResponse,
  withUrl,
} from './http.ts';
import { drawLink } from './link.ts';
import {
  type PlainAbortSignal,
  PlainRequest,
  type PlainRequestInit,
  type PlainResponse,
  plainBytes,
  plainOfResponse,
  plainResponseBodyBytes,
} from './plain.ts';
import type { RuleBook } from './rules.ts';
import type { TrafficStats } from './stats.ts';
import type { FaultVerdict, LinkProfile, NetFault, SimServer } from './types.ts';
import type { WaitingExchanges } from './waiting.ts';

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/** What the transport shares with the network that owns it. */
export interface TransportContext {
  scheduler: Scheduler;
  trace: Trace;
  server: SimServer;
  /** The network's own fork; per-device streams are forked from it by label. */
  rng: Rng;
  baseUrl: string;
  timeoutMs: number;
  connectivity: Connectivity;
  rules: RuleBook;
  traffic: TrafficStats;
  waiting: WaitingExchanges;
  linkOf(deviceId: string): Readonly<LinkProfile>;
  faultsEnabled(): boolean;
}

interface DeviceStreams {
  link: Rng;
  rules: Rng;
}

export class Transport {
  private readonly origin: string;
  private readonly host: Host;
  private readonly streams = new Map<string, DeviceStreams>();
  private readonly sent = new Map<string, number>();

  constructor(private readonly context: TransportContext) {
    const base = new URL(context.baseUrl);
    this.origin = base.origin;
    this.host = hostOf(base);
  }

  /** The device went offline: its open exchanges fail at once; requests not yet delivered are lost. */
  cut(deviceId: string): void {
    for (const exchange of this.context.waiting.of(deviceId)) {
      exchange.cut = true;
      this.fault(exchange, 'offline');
      this.fail(exchange, 'ECONNRESET');
    }
  }

  fetch(incarnation: Incarnation, input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (!incarnation.alive) return new Promise<Response>(() => {});
    let request: Request;
    try {
      const target =
        typeof input === 'string' && !ABSOLUTE_URL.test(input) ? new URL(input, this.context.baseUrl) : input;
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
      // A body that fails to read fails the fetch, as undici's would.
      request
        .arrayBuffer()
        .then((body) => ({ body, rebuilt: new Request(request, { body }) }))
        .then(
          ({ body, rebuilt }) => {
            exchange.request = rebuilt;
            this.start(exchange, body.byteLength);
          },
          (error: unknown) => exchange.reject(new TypeError('fetch failed', { cause: error })),
        );
    }
    return exchange.promise as Promise<Response>;
  }

  /** The light path (net/plain): the same exchange as `fetch`, with the request and answer as data. */
  exchangePlain(incarnation: Incarnation, init: PlainRequestInit): Promise<PlainResponse> {
    if (!incarnation.alive) return new Promise<PlainResponse>(() => {});
    if (init.signal?.aborted) return Promise.reject(init.signal.reason);
    const request = new PlainRequest(init);
    const exchange = this.openExchange(incarnation, request, init.signal);
    this.start(exchange, plainBytes(request.body));
    return exchange.promise as Promise<PlainResponse>;
  }

  /** Records the send and starts tracking the exchange; its request id is its place in the device's sends. */
  private openExchange(
    incarnation: Incarnation,
    request: Request | PlainRequest,
    signal: PlainAbortSignal | undefined,
  ): Exchange {
    const device = incarnation.deviceId;
    const number = (this.sent.get(device) ?? 0) + 1;
    this.sent.set(device, number);
    const url = request.url;
    const inOrigin =
      url.startsWith(this.origin) && (url.length === this.origin.length || url[this.origin.length] === '/');
    const exchange = new Exchange({
      id: `${device}#${number}`,
      incarnation,
      request,
      path: inOrigin ? pathOf(url, this.origin.length) : new URL(url).pathname,
      inOrigin,
      scheduler: this.context.scheduler,
    });
    const key = request.headers.get(IDEMPOTENCY_HEADER);
    const query = queryOf(url);
    this.context.trace.record('net.send', {
      device,
      requestId: exchange.id,
      method: request.method,
      path: exchange.path,
      // The query tells a repeated request from a new one (request-storm reads it).
      ...(query === '' ? {} : { query }),
      ...(key === null ? {} : { key }),
    });
    this.context.waiting.add(exchange);
    if (signal !== undefined) exchange.onAbort(signal, () => this.abort(exchange, signal));
    return exchange;
  }

  /** The request leaves the device: refused when offline, else put on the link. */
  private start(exchange: Exchange, requestBytes: number): void {
    if (!exchange.waiting) return;
    const device = exchange.device;
    if (!exchange.inOrigin) {
      this.failSoon(exchange, 'ENOTFOUND');
    } else if (!this.context.connectivity.isOnline(device)) {
      this.fault(exchange, 'offline');
      this.failSoon(exchange, 'ECONNREFUSED');
    } else {
      exchange.request.headers.set(DEVICE_HEADER, device);
      this.context.traffic.request(device, requestBytes);
      this.dispatch(exchange);
    }
  }

  /** Decides the exchange's fate, arms its timeout and puts the request on the link. */
  private dispatch(exchange: Exchange): void {
    const device = exchange.device;
    const streams = this.streamsOf(device);
    exchange.watch(
      this.context.scheduler.after(
        this.context.timeoutMs,
        'net.timeout',
        () => this.fail(exchange, 'ETIMEDOUT'),
        exchange.incarnation,
      ),
    );
    const hit =
      this.context.faultsEnabled() && this.context.rules.size > 0
        ? this.context.rules.evaluate(
            {
              device,
              method: exchange.request.method,
              path: exchange.path,
              query: searchParamsOf(exchange.request.url),
              timeMs: this.context.scheduler.now(),
            },
            streams.rules,
          )
        : undefined;
    const draw = drawLink(streams.link, this.context.linkOf(device), this.context.faultsEnabled() && hit === undefined);
    const verdict: FaultVerdict = hit?.verdict ?? (draw.fault === undefined ? PASS : { type: draw.fault });
    exchange.verdict = verdict;
    let requestDelayMs = draw.requestDelayMs;
    exchange.responseDelayMs = draw.responseDelayMs + draw.reorderDelayMs;
    if (draw.reorderDelayMs > 0) this.fault(exchange, 'reorder');
    if (verdict.type === 'delay') {
      this.fault(exchange, 'delay');
      if (verdict.leg === 'response') exchange.responseDelayMs += verdict.ms;
      else requestDelayMs += verdict.ms;
    }
    if (this.context.connectivity.outboundCut(device) || verdict.type === 'drop-request') {
      this.fault(exchange, verdict.type === 'drop-request' ? 'drop-request' : 'partition-outbound');
      return;
    }
    const request = exchange.request;
    // The copy is cloned before the original is delivered (delivery reads the body).
    const copy = verdict.type === 'duplicate' ? request.clone() : undefined;
    this.context.scheduler.after(requestDelayMs, 'net.deliver', () => this.deliver(exchange, 0, request));
    if (copy !== undefined && verdict.type === 'duplicate') {
      this.fault(exchange, 'duplicate');
      const copyDelayMs = requestDelayMs + (verdict.delayMs ?? requestDelayMs);
      this.context.scheduler.after(copyDelayMs, 'net.deliver', () => this.deliver(exchange, 1, copy));
    }
  }

  /** The request reaches the server (or the gateway of a status verdict). */
  private deliver(exchange: Exchange, copy: number, request: Request | PlainRequest): void {
    if (exchange.cut) return;
    this.context.trace.record('net.deliver', { device: exchange.device, requestId: exchange.id, copy });
    const verdict = exchange.verdict;
    if (verdict.type === 'status') {
      this.fault(exchange, 'status');
      void this.respond(
        exchange,
        copy,
        request instanceof PlainRequest ? plainStatusResponse(verdict) : statusResponse(verdict),
      );
      return;
    }
    void this.serve(exchange, copy, request);
  }

  private async serve(exchange: Exchange, copy: number, request: Request | PlainRequest): Promise<void> {
    let response: Response | PlainResponse | undefined;
    try {
      response = await this.handle(request, exchange.device);
    } catch (error) {
      // A throwing server is a bug in it: report it; the client sees a reset connection.
      this.context.scheduler.onError(error, `net.serve:${exchange.id}`);
      response = request instanceof PlainRequest ? undefined : Response.error();
    }
    await this.respond(exchange, copy, response);
  }

  /** The server's answer, in the request's own form (a plain request to a server without the light path is converted). */
  private async handle(
    request: Request | PlainRequest,
    deviceId: string,
  ): Promise<Response | PlainResponse | undefined> {
    const server = this.context.server;
    if (!(request instanceof PlainRequest)) return server.handle(request, { deviceId });
    if (server.handlePlain !== undefined) return server.handlePlain(request, { deviceId });
    const response = await server.handle(request.toRequest(), { deviceId });
    return response.type === 'error' ? undefined : plainOfResponse(response);
  }

  /**
   * The server has answered: measure and count the answer, then send it back (or lose it).
   * `answer` undefined, or a `Response.error()`: the server's connection broke.
   */
  private async respond(exchange: Exchange, copy: number, answer: Response | PlainResponse | undefined): Promise<void> {
    let response = answer;
    let bytes: number | undefined = 0;
    if (answer instanceof Response) {
      assert(!answer.bodyUsed, `net: the server answered ${exchange.id} with a response whose body was already read`);
      if (answer.type === 'error') response = undefined;
      else bytes = plainResponseBytes(answer);
      if (bytes === undefined) {
        const buffer = await answer.arrayBuffer();
        bytes = buffer.byteLength;
        response = rebuiltResponse(answer, buffer);
      }
    } else if (answer !== undefined) {
      bytes = plainResponseBodyBytes(answer);
    }
    this.context.traffic.response(exchange.device, bytes);
    this.context.trace.record('net.respond', {
      device: exchange.device,
      requestId: exchange.id,
      status: answer === undefined || response === undefined ? 0 : answer.status,
    });
    // Only the first copy's answer goes back: the client has one connection for one request.
    if (copy !== 0 || !exchange.waiting) return;
    if (this.context.connectivity.inboundCut(exchange.device) || exchange.verdict.type === 'drop-response') {
      this.fault(exchange, exchange.verdict.type === 'drop-response' ? 'drop-response' : 'partition-inbound');
      return;
    }
    exchange.watch(
      this.context.scheduler.after(
        exchange.responseDelayMs,
        'net.receive',
        () => this.receive(exchange, response),
        exchange.incarnation,
      ),
    );
  }

  /** The answer reaches the client. `response` undefined: the server's connection broke. */
  private receive(exchange: Exchange, response: Response | PlainResponse | undefined): void {
    if (response === undefined || exchange.verdict.type === 'reset') {
      if (exchange.verdict.type === 'reset') this.fault(exchange, 'reset');
      this.fail(exchange, 'ECONNRESET');
      return;
    }
    const retryAfter = retryAfterMs(response.headers, VIRTUAL_EPOCH_MS + this.context.scheduler.now());
    this.context.trace.record('net.receive', {
      device: exchange.device,
      requestId: exchange.id,
      status: response.status,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
    exchange.resolve(response instanceof Response ? withUrl(response, exchange.request.url) : response);
  }

  private fail(exchange: Exchange, code: NetworkErrorCode): void {
    if (!exchange.waiting) return;
    this.context.trace.record('net.fail', { device: exchange.device, requestId: exchange.id, code });
    const url = exchange.request.url;
    exchange.reject(fetchFailed(code, url.startsWith(this.origin) ? this.host : hostOf(new URL(url))));
  }

  /** Fails the exchange at the current virtual time, as its own event (a failing loop costs events). */
  private failSoon(exchange: Exchange, code: NetworkErrorCode): void {
    exchange.watch(this.context.scheduler.after(0, 'net.fail', () => this.fail(exchange, code), exchange.incarnation));
  }

  private abort(exchange: Exchange, signal: PlainAbortSignal): void {
    if (!exchange.waiting) return;
    this.context.trace.record('net.abort', { device: exchange.device, requestId: exchange.id });
    exchange.reject(signal.reason);
  }

  private fault(exchange: Exchange, fault: NetFault): void {
    this.context.trace.record('net.fault', { device: exchange.device, requestId: exchange.id, fault });
  }

  private streamsOf(deviceId: string): DeviceStreams {
    let streams = this.streams.get(deviceId);
    if (streams === undefined) {
      streams = { link: this.context.rng.fork(`link:${deviceId}`), rules: this.context.rng.fork(`rules:${deviceId}`) };
      this.streams.set(deviceId, streams);
    }
    return streams;
  }
}

/** The query string of `url` for rules that match on it; undefined when it has none. */
function searchParamsOf(url: string): URLSearchParams | undefined {
  const query = queryOf(url);
  return query === '' ? undefined : new URLSearchParams(query);
}
