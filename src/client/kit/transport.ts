/**
 * @module client/kit/transport
 * The reference protocol (docs/protocol.md) over `env.fetch`, for adapters: every exchange
 * becomes a value, never an exception (offline, timeout, 5xx, 429, 409 are operating
 * errors). It gets a bearer token on first use and a fresh one on a 401, then sends the
 * same request again (same body, same Idempotency-Key); it aborts a request that has no
 * answer after `timeoutMs` of virtual time. `pushOp` sends `op.opId` as the
 * Idempotency-Key: keep one op per logical change across retries (see `OpLedger`).
 *
 * @example
 * ```ts
 * const transport = createTransport(env);
 * const outcome = await transport.pushOp(op);
 * if (outcome.kind === 'applied') markSynced(outcome.record);
 * ```
 */
import type {
  ChangesPage,
  ConflictBody,
  OpApplied,
  ServerRecord,
  SnapshotPage,
  SyncOp,
  TokenResponse,
} from '../../server/protocol.ts';
import { IDEMPOTENCY_HEADER, ROUTES } from '../../server/protocol.ts';
import type { ClientEnv } from '../contract.ts';

/** The answer to one request, as a value. */
export type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'conflict'; body: ConflictBody }
  /** The server will never take this request as it is (400, 404, 412, 422). */
  | { kind: 'rejected'; status: number; body: unknown }
  /** Worth trying again later: 429, 5xx, a network error, a timeout, a refused refresh. `waitMs`: what the server asked for. */
  | { kind: 'retry'; reason: string; waitMs?: number };

export type PushOutcome =
  | { kind: 'applied'; status: number; record: ServerRecord | null }
  | Exclude<Outcome, { kind: 'ok' }>;

export type PageOutcome<Page> = { kind: 'page'; page: Page } | Exclude<Outcome, { kind: 'ok' } | { kind: 'conflict' }>;

export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Path and query, resolved against `env.baseUrl`. */
  path: string;
  body?: unknown;
  /** Sent as `Idempotency-Key`. */
  key?: string;
}

/** Where the bearer token lives. The default keeps it in memory (a restarted app asks for a new one). */
export interface TokenStore {
  get(): string | undefined;
  set(token: string): void;
}

export interface TransportOptions {
  /** Virtual ms after which a request with no answer is aborted; default 30 000. */
  timeoutMs?: number;
  tokens?: TokenStore;
  /**
   * Aborts every request in flight when it fires; default `env.signal`, so that a killed
   * incarnation's requests settle (as retries) and an engine's `close()`, which waits for
   * its running requests, can finish.
   */
  signal?: AbortSignal;
  /** Called after every exchange, to log it (`env.log`) or count it. */
  onOutcome?: (request: TransportRequest, outcome: Outcome) => void;
}

export interface Transport {
  /** One authorized exchange (a token first if there is none; one refresh and resend on a 401). */
  send(request: TransportRequest): Promise<Outcome>;
  /** `POST /sync/ops` with `Idempotency-Key: op.opId`. */
  pushOp(op: SyncOp): Promise<PushOutcome>;
  /** One page of `GET /changes` after `since` (from the start when absent). */
  pullChanges(since: string | undefined, limit: number): Promise<PageOutcome<ChangesPage>>;
  /** One page of `GET /snapshot` from `cursor` (from the start when absent). */
  snapshotPage(cursor: string | undefined, limit: number): Promise<PageOutcome<SnapshotPage>>;
}

export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
/** A 429 without a usable Retry-After waits this long. */
const RATE_LIMIT_WAIT_MS_DEFAULT = 1_000;

function retryAfterMs(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

function isConflictBody(body: unknown): body is ConflictBody {
  const conflict = body as ConflictBody | undefined;
  return conflict?.error === 'conflict' && typeof conflict.current === 'object' && conflict.current !== null;
}

function isPage(body: unknown): body is ChangesPage {
  const page = body as ChangesPage | undefined;
  return Array.isArray(page?.changes) && typeof page?.next === 'string' && typeof page?.hasMore === 'boolean';
}

async function outcomeOf(response: Response): Promise<Outcome | 'unauthorized'> {
  const status = response.status;
  const body: unknown = await response.json().catch(() => undefined);
  if (status === 401) return 'unauthorized';
  if (status === 429)
    return { kind: 'retry', reason: 'rate-limited', waitMs: retryAfterMs(response) ?? RATE_LIMIT_WAIT_MS_DEFAULT };
  if (status === 409 && isConflictBody(body)) return { kind: 'conflict', body };
  if (status >= 200 && status < 300 && body !== undefined) return { kind: 'ok', status, body };
  // 410: the server forgot the cursor (resync required, docs/protocol.md): as final as a 400.
  if (status === 400 || status === 404 || status === 410 || status === 412 || status === 422)
    return { kind: 'rejected', status, body };
  const waitMs = retryAfterMs(response);
  return { kind: 'retry', reason: `status ${status}`, ...(waitMs === undefined ? {} : { waitMs }) };
}

function memoryTokens(): TokenStore {
  let token: string | undefined;
  return { get: () => token, set: (value) => (token = value) };
}

/** A transport for one client instance. */
export function createTransport(env: ClientEnv, options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  const tokens = options.tokens ?? memoryTokens();
  const lifeSignal = options.signal ?? env.signal;

  async function exchange(request: TransportRequest, token: string | undefined): Promise<Outcome | 'unauthorized'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (request.key !== undefined) headers[IDEMPOTENCY_HEADER.toLowerCase()] = request.key;
    const controller = new AbortController();
    const timer = env.clock.setTimeout(() => controller.abort(), timeoutMs);
    const abortOnDeath = () => controller.abort();
    if (lifeSignal?.aborted) return { kind: 'retry', reason: 'stopped' };
    lifeSignal?.addEventListener('abort', abortOnDeath, { once: true });
    try {
      const response = await env.fetch(new URL(request.path, env.baseUrl), {
        method: request.method,
        headers,
        signal: controller.signal,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      return await outcomeOf(response);
    } catch (error) {
      const reason = lifeSignal?.aborted
        ? 'stopped'
        : controller.signal.aborted
          ? 'timeout'
          : `network: ${(error as Error).name}`;
      return { kind: 'retry', reason };
    } finally {
      env.clock.clearTimeout(timer);
      lifeSignal?.removeEventListener('abort', abortOnDeath);
    }
  }

  async function refresh(): Promise<Outcome> {
    const outcome = await exchange(
      { method: 'POST', path: ROUTES.refresh, body: { deviceId: env.deviceId } },
      undefined,
    );
    if (outcome === 'unauthorized') return { kind: 'retry', reason: 'refresh refused' };
    if (outcome.kind !== 'ok') return outcome.kind === 'retry' ? outcome : { kind: 'retry', reason: 'refresh refused' };
    const token = (outcome.body as Partial<TokenResponse>).token;
    if (typeof token !== 'string') return { kind: 'retry', reason: 'refresh answered no token' };
    tokens.set(token);
    return outcome;
  }

  async function authorized(request: TransportRequest): Promise<Outcome> {
    if (tokens.get() === undefined) {
      const refreshed = await refresh();
      if (refreshed.kind !== 'ok') return refreshed;
    }
    const first = await exchange(request, tokens.get());
    if (first !== 'unauthorized') return first;
    const refreshed = await refresh();
    if (refreshed.kind !== 'ok') return refreshed;
    const second = await exchange(request, tokens.get());
    return second === 'unauthorized' ? { kind: 'retry', reason: 'unauthorized' } : second;
  }

  async function send(request: TransportRequest): Promise<Outcome> {
    const outcome = await authorized(request);
    options.onOutcome?.(request, outcome);
    return outcome;
  }

  async function page<Page extends ChangesPage>(path: string): Promise<PageOutcome<Page>> {
    const outcome = await send({ method: 'GET', path });
    if (outcome.kind === 'ok') {
      return isPage(outcome.body)
        ? { kind: 'page', page: outcome.body as Page }
        : { kind: 'retry', reason: 'malformed page' };
    }
    if (outcome.kind === 'conflict') return { kind: 'retry', reason: 'unexpected conflict on a read' };
    return outcome;
  }

  const query = (name: string, value: string | undefined, limit: number) =>
    new URLSearchParams({ limit: String(limit), ...(value === undefined ? {} : { [name]: value }) }).toString();

  return {
    send,
    async pushOp(op) {
      const outcome = await send({ method: 'POST', path: ROUTES.op, body: op, key: op.opId });
      if (outcome.kind !== 'ok') return outcome;
      return { kind: 'applied', status: outcome.status, record: (outcome.body as OpApplied).record ?? null };
    },
    pullChanges: (since, limit) => page<ChangesPage>(`${ROUTES.changes}?${query('since', since, limit)}`),
    snapshotPage: (cursor, limit) => page<SnapshotPage>(`${ROUTES.snapshot}?${query('cursor', cursor, limit)}`),
  };
}
