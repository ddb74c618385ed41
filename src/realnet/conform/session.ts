/**
 * @module realnet/conform/session
 * A conformance prober's connection to a server that claims the reference protocol: a token,
 * plain requests, ops with client-side faults (the same op sent twice, an answer dropped by
 * aborting once the server answered, concurrent sends), and reading `/changes` to the end.
 * Every request is bounded in time; everything it learns is a value, never a throw, except a
 * server that cannot be reached (ConformUnreachable) or answers what is not JSON.
 */
import { randomBytes } from 'node:crypto';
import type { ChangesPage, ServerRecord, SyncOp, TokenResponse } from '../../server/protocol.ts';
import { IDEMPOTENCY_HEADER } from '../../server/protocol.ts';

export const REQUEST_TIMEOUT_MS = 10_000;
/** Bound on pages read to reach the end of /changes. */
export const PAGES_MAX = 10_000;

export interface Answer {
  status: number;
  body: unknown;
}

export class ConformUnreachable extends Error {
  override name = 'ConformUnreachable';
}

export interface OpAnswer extends Answer {
  /** The record in a 2xx answer (OpApplied.record), if any. */
  rev: number | undefined;
}

function revOf(answer: Answer): number | undefined {
  const record = (answer.body as { record?: { rev?: unknown } } | null)?.record;
  return typeof record?.rev === 'number' ? record.rev : undefined;
}

export class ConformSession {
  private token = '';
  /** Position after everything read so far (advance() moves it). */
  cursor = '';
  readonly runId = randomBytes(4).toString('hex');
  private idNext = 1;

  constructor(
    readonly baseUrl: string,
    readonly collection: string,
  ) {}

  get deviceId(): string {
    return `conform-${this.runId}`;
  }

  /** A fresh id for a record or op of this run. */
  id(label: string): string {
    return `conform-${this.runId}-${label}-${this.idNext++}`;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ConformUnreachable(`${method} ${path} failed: ${reason}`);
    }
    const text = await response.text();
    try {
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch {
      throw new Error(
        `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 80)}`,
      );
    }
  }

  /** POST /auth/refresh for this run's device; the answer as given. */
  async refresh(): Promise<Answer> {
    const answer = await this.request('POST', '/auth/refresh', { deviceId: this.deviceId });
    const token = (answer.body as TokenResponse | undefined)?.token;
    if (answer.status === 200 && typeof token === 'string') this.token = token;
    return answer;
  }

  async op(op: SyncOp, key = op.opId): Promise<OpAnswer> {
    const answer = await this.request('POST', '/sync/ops', op, { [IDEMPOTENCY_HEADER]: key });
    return { ...answer, rev: revOf(answer) };
  }

  /** Sends `op` and drops the answer: aborts as soon as the server started answering. */
  async opDropped(op: SyncOp): Promise<void> {
    const controller = new AbortController();
    try {
      const response = await fetch(new URL('/sync/ops', this.baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.token}`,
          [IDEMPOTENCY_HEADER]: op.opId,
        },
        body: JSON.stringify(op),
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      controller.abort();
      await response.body?.cancel().catch(() => {});
    } catch {
      // The answer is lost either way: that is the point.
    }
  }

  /** `count` sends of the same op at once. */
  opConcurrently(op: SyncOp, count: number): Promise<OpAnswer[]> {
    return Promise.all(Array.from({ length: count }, () => this.op(op)));
  }

  async page(since: string, limit: number): Promise<ChangesPage> {
    const query = new URLSearchParams({ since, limit: String(limit) });
    const answer = await this.request('GET', `/changes?${query}`);
    const page = answer.body as ChangesPage | undefined;
    if (answer.status !== 200 || !Array.isArray(page?.changes) || typeof page.next !== 'string') {
      throw new Error(`GET /changes?${query} answered ${answer.status}, not a page of changes`);
    }
    return page;
  }

  /** Every change after `since`, paging to the end; returns them and the end position. */
  async readSince(since: string, limit = 100): Promise<{ records: ServerRecord[]; next: string }> {
    const records: ServerRecord[] = [];
    let cursor = since;
    for (let pages = 0; pages < PAGES_MAX; pages++) {
      const page = await this.page(cursor, limit);
      records.push(...page.changes);
      cursor = page.next;
      if (!page.hasMore) return { records, next: cursor };
    }
    throw new Error(`GET /changes still had more after ${PAGES_MAX} pages`);
  }

  /** Moves `cursor` to the end of /changes; returns what it passed. */
  async advance(): Promise<ServerRecord[]> {
    const read = await this.readSince(this.cursor);
    this.cursor = read.next;
    return read.records;
  }

  /** The latest state of record `id` among changes after `since` (undefined if none). */
  async latest(since: string, id: string): Promise<ServerRecord | undefined> {
    const { records } = await this.readSince(since);
    const mine = records.filter((record) => record.id === id && record.collection === this.collection);
    return mine.reduce<ServerRecord | undefined>(
      (best, record) => (best === undefined || record.rev > best.rev ? record : best),
      undefined,
    );
  }

  createOp(id: string, patch: SyncOp['patch'] = []): SyncOp {
    return { opId: this.id('op'), collection: this.collection, id, kind: 'create', baseRev: null, patch };
  }

  updateOp(id: string, baseRev: number | null, patch: SyncOp['patch']): SyncOp {
    return { opId: this.id('op'), collection: this.collection, id, kind: 'update', baseRev, patch };
  }
}
