/**
 * @module test/net/harness
 * A small world for network tests: a scheduler, a seeded generator, a trace, a counting
 * fake server and the network between them, with zero jitter by default so that timings
 * are exact. `observe` records when and how a fetch settled, in virtual time.
 */
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { Trace, type TraceEvent } from '../../src/kernel/trace.ts';
import { type LinkProfile, Network, type NetworkOptions, type SimServer } from '../../src/net/index.ts';

export interface Handled {
  deviceId: string;
  method: string;
  path: string;
  body: string;
  headers: Headers;
  atMs: number;
}

export type Handler = (request: Request, body: string) => Response | Promise<Response>;

/** Echoes `{ path, body, n }` as JSON; `n` counts the requests handled so far. */
export class CountingServer implements SimServer {
  readonly handled: Handled[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly handler?: Handler,
  ) {}

  async handle(request: Request, context: { deviceId: string }): Promise<Response> {
    const body = await request.text();
    const path = new URL(request.url).pathname;
    const atMs = this.scheduler.now();
    this.handled.push({
      deviceId: context.deviceId,
      method: request.method,
      path,
      body,
      headers: request.headers,
      atMs,
    });
    if (this.handler !== undefined) return this.handler(request, body);
    return Response.json({ path, body, n: this.handled.length });
  }

  count(path?: string): number {
    return this.handled.filter((entry) => path === undefined || entry.path === path).length;
  }
}

export interface Outcome {
  settled: boolean;
  atMs?: number;
  response?: Response;
  error?: unknown;
}

export interface NetHarnessOptions {
  seed?: string;
  timeoutMs?: number;
  link?: Partial<LinkProfile>;
  handler?: Handler;
  server?: SimServer;
  baseUrl?: NetworkOptions['baseUrl'];
}

export function netHarness(options: NetHarnessOptions = {}) {
  const scheduler = new Scheduler();
  const rng = new Rng(options.seed ?? 'net-test');
  const trace = new Trace({ now: () => scheduler.now() });
  const counting = new CountingServer(scheduler, options.handler);
  const network = new Network({
    scheduler,
    rng,
    trace,
    server: options.server ?? counting,
    timeoutMs: options.timeoutMs ?? 30_000,
    defaultLink: { latencyMs: 10, jitterMs: 0, ...options.link },
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });

  /** Records when (virtual ms) and how `promise` settles. */
  function observe(promise: Promise<Response>): Outcome {
    const outcome: Outcome = { settled: false };
    promise.then(
      (response) => Object.assign(outcome, { settled: true, atMs: scheduler.now(), response }),
      (error: unknown) => Object.assign(outcome, { settled: true, atMs: scheduler.now(), error }),
    );
    return outcome;
  }

  async function run(eventsMax = 100_000): Promise<void> {
    await scheduler.run({ eventsMax });
  }

  /** Trace events of `type` (all net.* when omitted), without seq and t. */
  function events(type?: string): TraceEvent[] {
    return trace.events().filter((event) => (type === undefined ? event.type.startsWith('net.') : event.type === type));
  }

  return {
    scheduler,
    rng,
    trace,
    server: counting,
    network,
    observe,
    run,
    events,
    device: (id: string) => new Incarnation(id, 0),
    url: (path: string) => `http://sync.test${path}`,
  };
}

/** A JSON POST init. */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

/** The `cause.code` of a fetch failure, asserting its shape on the way. */
export function failureCode(error: unknown): string {
  if (!(error instanceof TypeError)) throw new Error(`expected a TypeError, got ${String(error)}`);
  if (error.message !== 'fetch failed') throw new Error(`expected 'fetch failed', got '${error.message}'`);
  const cause = error.cause as { code?: unknown } | undefined;
  if (typeof cause?.code !== 'string') throw new Error('expected a cause with a code');
  return cause.code;
}
