/**
 * @module client/reference/http
 * One HTTP exchange with the sync server, turned into a value the client can act on: the
 * client never throws for an operating error. Adds the bearer token, refreshes it once on
 * a 401 and retries the same request (same body, same idempotency key), and aborts a
 * request that outlives `requestTimeoutMs` of virtual time.
 */
import { PlainAbortController, type PlainExchange, type PlainResponse, plainExchangeOf } from '../../net/plain.ts';
import type { ConflictBody, ErrorBody, TokenResponse } from '../../server/protocol.ts';
import { ROUTES } from '../../server/protocol.ts';
import { type ClientContext, log } from './context.ts';

export type HttpOutcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'conflict'; body: ConflictBody }
  /** A 4xx other than 401/409/429: the server will never accept this request as it is. */
  | { kind: 'rejected'; status: number; body: ErrorBody | undefined }
  | { kind: 'unauthorized' }
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** 5xx, 408, 412, or a 2xx whose body was unreadable; `retryAfterMs` when the server said. */
  | { kind: 'unavailable'; status: number; retryAfterMs?: number }
  /** fetch rejected: offline, reset, timeout, abort. */
  | { kind: 'network'; code: string };

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query, relative to `env.baseUrl`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Used when a 429 carries no readable Retry-After. */
export const RETRY_AFTER_DEFAULT_MS = 1_000;

const TOKEN_KEY = 'token';

function errorCode(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'ABORTED';
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

async function readJson(response: Response | PlainResponse): Promise<unknown> {
  try {
    if (response instanceof Response) return await response.json();
    return response.body === null ? undefined : JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/** Retry-After in ms when it is delay-seconds (the only form the reference server sends). */
function retryAfterMs(response: Response | PlainResponse): number | undefined {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : undefined;
}

async function classify(response: Response | PlainResponse): Promise<HttpOutcome> {
  const status = response.status;
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(response) ?? RETRY_AFTER_DEFAULT_MS };
  if (status >= 500 || status === 408 || status === 412) {
    const wait = retryAfterMs(response);
    return wait === undefined ? { kind: 'unavailable', status } : { kind: 'unavailable', status, retryAfterMs: wait };
  }
  const body = await readJson(response);
  if (status === 409) {
    const conflict = body as ConflictBody | undefined;
    if (conflict?.error === 'conflict' && typeof conflict.current === 'object' && conflict.current !== null) {
      return { kind: 'conflict', body: conflict };
    }
    return { kind: 'unavailable', status };
  }
  if (status >= 400) return { kind: 'rejected', status, body: body as ErrorBody | undefined };
  if (status >= 200 && status < 300 && body !== undefined) return { kind: 'ok', status, body };
  return { kind: 'unavailable', status };
}

/** One exchange, without auth handling. */
export async function exchange(ctx: ClientContext, request: HttpRequest, token?: string): Promise<HttpOutcome> {
  const { env } = ctx;
  ctx.state.requests++;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  // In a simulation, the light path (net/plain): the same exchange without fetch objects.
  const plain = plainExchangeOf(env.fetch);
  const controller = plain === undefined ? new AbortController() : new PlainAbortController();
  const timer = env.clock.setTimeout(() => controller.abort(), ctx.options.timing.requestTimeoutMs);
  try {
    const url = new URL(request.path, env.baseUrl);
    const body = request.body === undefined ? {} : { body: JSON.stringify(request.body) };
    const response =
      controller instanceof AbortController
        ? await env.fetch(url, { method: request.method, headers, ...body, signal: controller.signal })
        : await (plain as PlainExchange)({
            method: request.method,
            url: url.href,
            headers,
            ...body,
            signal: controller,
          });
    return await classify(response);
  } catch (error) {
    return { kind: 'network', code: errorCode(error) };
  } finally {
    env.clock.clearTimeout(timer);
  }
}

/** Asks the server for a new token and stores it. */
export async function refreshToken(ctx: ClientContext): Promise<HttpOutcome> {
  const outcome = await exchange(ctx, { method: 'POST', path: ROUTES.refresh, body: { deviceId: ctx.env.deviceId } });
  const token = outcome.kind === 'ok' ? (outcome.body as TokenResponse).token : undefined;
  log(ctx, 'token-refresh', { result: typeof token === 'string' ? 'ok' : outcome.kind });
  if (outcome.kind !== 'ok') return outcome;
  if (typeof token !== 'string') return { kind: 'unavailable', status: outcome.status };
  ctx.store.kvSet(TOKEN_KEY, token);
  return outcome;
}

/** An authorized exchange: gets a token first if there is none, refreshes once on a 401. */
export async function request(ctx: ClientContext, request: HttpRequest): Promise<HttpOutcome> {
  let token = ctx.store.kvGet(TOKEN_KEY);
  if (token === undefined) {
    const refreshed = await refreshToken(ctx);
    if (refreshed.kind !== 'ok') return refreshed;
    token = ctx.store.kvGet(TOKEN_KEY);
  }
  const first = await exchange(ctx, request, token);
  if (first.kind !== 'unauthorized') return first;
  ctx.hooks.onUnauthorized(ctx);
  const refreshed = await refreshToken(ctx);
  if (refreshed.kind !== 'ok') return refreshed;
  return exchange(ctx, request, ctx.store.kvGet(TOKEN_KEY));
}
