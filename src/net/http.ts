/**
 * @module net/http
 * The HTTP pieces of an exchange: measuring a request body without reading it when the
 * client gave a plain body, the response a client sees (a real `Response`, as undici would
 * hand it over), gateway answers for status verdicts, and Retry-After parsing.
 */
import { PlainHeaders, type PlainResponse } from './plain.ts';
import type { FaultVerdict } from './types.ts';

/** Statuses whose response has no body (fetch spec). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Byte length of the body the client passed, when it can be known without reading it;
 * undefined when the body must be read (a stream, a Blob, form data, a Request's body).
 */
export function plainBodyBytes(input: string | URL | Request, init: RequestInit | undefined): number | undefined {
  const body = init?.body;
  if (body === undefined || body === null) {
    return input instanceof Request && input.body !== null ? undefined : 0;
  }
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}

let undiciState: symbol | undefined;

/**
 * Byte length of a response body that has not been read, when it can be known without
 * reading it: undici (Node 20, 22) keeps the length of a body built from a string or bytes
 * in its internal state. Undefined for a stream body, or where that state is not visible
 * (then the caller reads the body). This is a speed-up only: reading and rebuilding the
 * response would cost more than the rest of the exchange.
 */
export function plainResponseBytes(response: Response): number | undefined {
  if (undiciState === undefined) {
    undiciState = Object.getOwnPropertySymbols(response).find((symbol) => symbol.description === 'state');
    if (undiciState === undefined) return undefined;
  }
  const state = (response as unknown as Record<symbol, { body?: { length?: unknown } | null } | undefined>)[
    undiciState
  ];
  if (typeof state !== 'object' || state === null) return undefined;
  if (state.body === null || state.body === undefined) return 0;
  return typeof state.body.length === 'number' ? state.body.length : undefined;
}

/** A response rebuilt from bytes already read, for a body whose length had to be measured by reading it. */
export function rebuiltResponse(source: Response, bytes: ArrayBuffer): Response {
  return new Response(NULL_BODY_STATUSES.has(source.status) ? null : bytes, {
    status: source.status,
    statusText: source.statusText,
    headers: source.headers,
  });
}

/** Gives a response the `url` real fetch reports (the request's). */
export function withUrl(response: Response, url: string): Response {
  Object.defineProperty(response, 'url', { value: url, configurable: true });
  return response;
}

/** The answer of a gateway for a status verdict. A non-string body is sent as JSON. */
export function statusResponse(verdict: Extract<FaultVerdict, { type: 'status' }>): Response {
  const plain = plainStatusResponse(verdict);
  return new Response(plain.body, { status: plain.status, headers: plain.headers.toRecord() });
}

/** The answer of a gateway for a status verdict, as data (the same bytes as statusResponse). */
export function plainStatusResponse(verdict: Extract<FaultVerdict, { type: 'status' }>): PlainResponse {
  const headers = new PlainHeaders(verdict.headers);
  let body: string | null = null;
  if (typeof verdict.body === 'string') body = verdict.body;
  else if (verdict.body !== undefined) {
    body = JSON.stringify(verdict.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return { status: verdict.status, headers, body: NULL_BODY_STATUSES.has(verdict.status) ? null : body };
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds, or an HTTP date measured
 * against `serverNowMs` (epoch ms of virtual time). Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null }, serverNowMs: number): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - serverNowMs);
}

export interface Host {
  hostname: string;
  port: number;
}

export function hostOf(url: URL): Host {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { hostname: url.hostname, port };
}

/** The query string of `url` without its `?` ('' when there is none or it is empty). */
export function queryOf(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const hash = url.indexOf('#', start);
  return url.slice(start + 1, hash === -1 ? url.length : hash);
}

/** Pathname of an absolute URL whose origin is `originLength` characters long. */
export function pathOf(url: string, originLength: number): string {
  let end = url.length;
  const query = url.indexOf('?', originLength);
  if (query !== -1) end = query;
  const hash = url.indexOf('#', originLength);
  if (hash !== -1 && hash < end) end = hash;
  return end === originLength ? '/' : url.slice(originLength, end);
}
