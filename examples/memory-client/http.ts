/**
 * @module examples/memory-client/http
 * One exchange with the server, turned into a value: the client never throws for an
 * operating error (offline, timeout, 5xx, 429, 409). Adds the bearer token, gets a new one
 * on a 401 and sends the same request again (same key, same body).
 */
import type { ClientEnv, ConflictBody } from 'syncstorm';
import type { MemoryStore } from './store.ts';

export type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'conflict'; body: ConflictBody }
  /** The server will never take this request as it is (400, 404, 422). */
  | { kind: 'rejected'; status: number }
  | { kind: 'unauthorized' }
  /** Worth trying again later: 429, 5xx, a network error. `waitMs`: what the server asked for. */
  | { kind: 'retry'; reason: string; waitMs?: number };

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  key?: string;
}

/** A request with no answer after this long is aborted. */
export const REQUEST_TIMEOUT_MS = 30_000;

function retryAfterMs(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

async function outcomeOf(response: Response): Promise<Outcome> {
  const status = response.status;
  const body: unknown = await response.json().catch(() => undefined);
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'retry', reason: 'rate-limited', waitMs: retryAfterMs(response) ?? 1_000 };
  if (status === 409 && typeof (body as ConflictBody | undefined)?.current === 'object') {
    return { kind: 'conflict', body: body as ConflictBody };
  }
  if (status >= 200 && status < 300 && body !== undefined) return { kind: 'ok', status, body };
  // 410: the server forgot the cursor (resync required, docs/protocol.md): as final as a 400.
  if (status === 400 || status === 404 || status === 410 || status === 422) return { kind: 'rejected', status };
  const waitMs = retryAfterMs(response);
  return { kind: 'retry', reason: `status ${status}`, ...(waitMs === undefined ? {} : { waitMs }) };
}

async function exchange(env: ClientEnv, request: Request, token?: string): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (request.key !== undefined) headers['idempotency-key'] = request.key;
  const controller = new AbortController();
  const timer = env.clock.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await env.fetch(new URL(request.path, env.baseUrl), {
      method: request.method,
      headers,
      signal: controller.signal,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    return await outcomeOf(response);
  } catch (error) {
    return { kind: 'retry', reason: `network: ${(error as Error).name}` };
  } finally {
    env.clock.clearTimeout(timer);
  }
}

async function refreshToken(env: ClientEnv, store: MemoryStore): Promise<Outcome> {
  const outcome = await exchange(env, { method: 'POST', path: '/auth/refresh', body: { deviceId: env.deviceId } });
  if (outcome.kind !== 'ok')
    return outcome.kind === 'unauthorized' ? { kind: 'retry', reason: 'refresh refused' } : outcome;
  store.commit([{ kind: 'meta', key: 'token', value: (outcome.body as { token: string }).token }]);
  return outcome;
}

/** An authorized exchange: a token first if there is none, one refresh on a 401. */
export async function send(env: ClientEnv, store: MemoryStore, request: Request): Promise<Outcome> {
  if (!store.meta.has('token')) {
    const refreshed = await refreshToken(env, store);
    if (refreshed.kind !== 'ok') return refreshed;
  }
  const first = await exchange(env, request, store.meta.get('token'));
  if (first.kind !== 'unauthorized') return first;
  const refreshed = await refreshToken(env, store);
  if (refreshed.kind !== 'ok') return refreshed;
  const second = await exchange(env, request, store.meta.get('token'));
  return second.kind === 'unauthorized' ? { kind: 'retry', reason: 'unauthorized' } : second;
}
