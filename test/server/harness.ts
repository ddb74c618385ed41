/**
 * @module test/server/harness
 * Drives a ReferenceServer directly, the way the simulated network does:
 * `server.handle(new Request('http://sync.test/...'), {deviceId})`, with virtual time from a
 * Scheduler the test runs when time must pass. Not a test file itself.
 */
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler, settle } from '../../src/kernel/scheduler.ts';
import { Trace, type TraceEvent } from '../../src/kernel/trace.ts';
import type { DispatchMode } from '../../src/server/dispatch.ts';
import {
  IDEMPOTENCY_HEADER,
  type PatchOp,
  ReferenceServer,
  type ServerConfig,
  type ServerFaultRule,
  type SyncOp,
  type TokenResponse,
} from '../../src/server/index.ts';

export const BASE_URL = 'http://sync.test';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  device?: string;
  token?: string | null;
  body?: unknown;
  /** Sent as is when a string (malformed JSON tests), else JSON.stringify'd. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export class Harness {
  readonly scheduler = new Scheduler();
  readonly trace = new Trace({ now: () => this.scheduler.now() });
  readonly server: ReferenceServer;
  private readonly tokens = new Map<string, string>();
  private opCount = 0;

  constructor(options: { config?: Partial<ServerConfig>; dispatch?: DispatchMode; seed?: string } = {}) {
    this.server = new ReferenceServer({
      scheduler: this.scheduler,
      rng: new Rng(options.seed ?? 'server-test').fork('server'),
      trace: this.trace,
      config: options.config,
      dispatch: options.dispatch,
    });
  }

  /** Starts a request; resolves when the server answers (run the scheduler for held answers). */
  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const device = options.device ?? 'A';
    const headers = new Headers(options.headers);
    const token = options.token === undefined ? await this.login(device) : options.token;
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers.set('content-type', 'application/json');
    const request = new Request(`${BASE_URL}${path}`, { method, headers, body });
    const response = await this.server.handle(request, { deviceId: device });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T, headers: response.headers };
  }

  /** A token for `device` (one refresh per device, cached). */
  async login(device: string): Promise<string> {
    const cached = this.tokens.get(device);
    if (cached !== undefined) return cached;
    const answer = await this.call<TokenResponse>('POST', '/auth/refresh', {
      device,
      token: null,
      body: { deviceId: device },
    });
    if (answer.status !== 200) throw new Error(`login failed: ${answer.status}`);
    this.tokens.set(device, answer.body.token);
    return answer.body.token;
  }

  forgetToken(device: string): void {
    this.tokens.delete(device);
  }

  /** POST /sync/ops with the Idempotency-Key set to the op id. */
  op<T = unknown>(op: SyncOp, options: CallOptions = {}): Promise<Answer<T>> {
    const headers = { [IDEMPOTENCY_HEADER]: op.opId, ...options.headers };
    return this.call<T>('POST', '/sync/ops', { ...options, body: op, headers });
  }

  nextOpId(): string {
    this.opCount++;
    return `op-${String(this.opCount).padStart(4, '0')}`;
  }

  create(collection: string, id: string, patch: PatchOp[] = []): SyncOp {
    return { opId: this.nextOpId(), collection, id, kind: 'create', baseRev: null, patch };
  }

  update(collection: string, id: string, baseRev: number | null, patch: PatchOp[]): SyncOp {
    return { opId: this.nextOpId(), collection, id, kind: 'update', baseRev, patch };
  }

  remove(collection: string, id: string, baseRev: number | null): SyncOp {
    return { opId: this.nextOpId(), collection, id, kind: 'delete', baseRev, patch: [] };
  }

  events(type: string): TraceEvent[] {
    return this.trace.events().filter((event) => event.type === type);
  }

  /** Fields of a trace event without seq and t. */
  eventData(type: string): Record<string, unknown>[] {
    return this.events(type).map(({ seq: _seq, t: _t, type: _type, ...rest }) => rest);
  }

  /** Lets virtual time pass: runs scheduler events up to `ms` from now. */
  async advance(ms: number): Promise<void> {
    // Requests started by the test run their promise continuations first (body reads, parse),
    // as they would inside the simulation's run loop, so holds are scheduled from the right time.
    await settle();
    const target = this.scheduler.now() + ms;
    await this.scheduler.run({ eventsMax: 100_000, until: target });
    if (this.scheduler.now() < target) this.scheduler.advanceTo(target);
  }
}

/** A title patch (the fault tests' usual write). */
export const setTitle = (value: string) => [{ op: 'set' as const, field: 'title', value }];

/** A server holding `count` notes n0..n(count-1) with titles t0.., then `rule` added. */
export async function withRecords(count: number, rule?: ServerFaultRule): Promise<Harness> {
  const h = new Harness();
  for (let index = 0; index < count; index++) await h.op(h.create('notes', `n${index}`, setTitle(`t${index}`)));
  if (rule !== undefined) h.server.addRule(rule);
  return h;
}

/** The types of the trace events recorded after the first `skip` events. */
export function typesAfter(h: Harness, skip: number): string[] {
  return h.trace
    .events()
    .slice(skip)
    .map((event) => event.type);
}
