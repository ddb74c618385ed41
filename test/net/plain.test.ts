// Goal: the light exchange path (net/plain) is the same exchange as fetch, only without
// fetch objects. Method: the same requests, once through `fetch` and once through the
// light path, against the reference server (which answers plain requests as data) and
// against a fake server that only takes `Request`s; assert equal statuses, bodies,
// headers, traffic bytes and byte-identical traces; and that only a simulated fetch has a
// light path.
import { describe, expect, test } from 'vitest';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { Trace } from '../../src/kernel/trace.ts';
import { Network, type PlainResponse, plainExchangeOf, type SimServer } from '../../src/net/index.ts';
import { PlainAbortController, type PlainAbortSignal } from '../../src/net/plain.ts';
import { ROUTES } from '../../src/server/protocol.ts';
import { ReferenceServer } from '../../src/server/reference-server.ts';

const BASE = 'http://sync.test';

interface Seen {
  status: number;
  body: string | null;
  retryAfter: string | null;
  contentType: string | null;
}

/** Runs a refresh, an op, a bad op and a changes page for device A; returns what it saw, the trace and the bytes. */
async function session(light: boolean, serverKind: 'reference' | 'fetch-only', dropFirst = false) {
  const scheduler = new Scheduler();
  const trace = new Trace({ now: () => scheduler.now() });
  const reference = new ReferenceServer({ scheduler, rng: new Rng('plain').fork('server'), trace });
  const server: SimServer =
    serverKind === 'reference' ? reference : { handle: (request, context) => reference.handle(request, context) };
  const network = new Network({
    scheduler,
    rng: new Rng('plain-net'),
    trace,
    server,
    timeoutMs: 5_000,
    defaultLink: { latencyMs: 10, jitterMs: 0, duplicateProbability: 0.5 },
  });
  if (dropFirst)
    network.addRule({
      match: { path: ROUTES.changes },
      verdict: { type: 'status', status: 503, headers: { 'retry-after': '2' }, body: { error: 'x' } },
    });
  const fetchOfDevice = network.fetchFor(new Incarnation('A', 0));
  const plain = plainExchangeOf(fetchOfDevice);
  expect(plain).toBeDefined();
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const all = { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const text = body === undefined ? {} : { body: JSON.stringify(body) };
    let answer: Response | PlainResponse;
    if (light && plain !== undefined) answer = await plain({ method, url: `${BASE}${path}`, headers: all, ...text });
    else answer = await fetchOfDevice(`${BASE}${path}`, { method, headers: all, ...text });
    const seen: Seen = {
      status: answer.status,
      body: answer instanceof Response ? await answer.text() : answer.body,
      retryAfter: answer.headers.get('retry-after'),
      contentType: answer.headers.get('content-type'),
    };
    return seen;
  };
  const seen: Seen[] = [];
  const done = (async () => {
    const refresh = await call('POST', ROUTES.refresh, { deviceId: 'A' });
    seen.push(refresh);
    const token = (JSON.parse(refresh.body ?? '{}') as { token: string }).token;
    const auth = { authorization: `Bearer ${token}` };
    const op = {
      opId: 'op-1',
      collection: 'notes',
      id: 'n1',
      kind: 'create',
      baseRev: null,
      patch: [{ op: 'set', field: 'title', value: 'a' }],
    };
    seen.push(await call('POST', ROUTES.op, op, { ...auth, 'idempotency-key': 'op-1' }));
    seen.push(await call('POST', ROUTES.op, { bad: true }, { ...auth, 'idempotency-key': 'op-2' }));
    seen.push(await call('GET', `${ROUTES.changes}?limit=10`, undefined, auth));
    seen.push(await call('GET', '/nowhere', undefined, auth));
  })();
  await scheduler.run({ eventsMax: 10_000 });
  await done;
  return { seen, hash: trace.hash(), stats: network.stats() };
}

describe('the light exchange path', () => {
  test('gives the same answers, bytes and trace as fetch, with and without the server taking plain requests', async () => {
    const byFetch = await session(false, 'reference');
    expect(byFetch.seen.map((seen) => seen.status)).toEqual([200, 201, 400, 200, 404]);
    for (const kind of ['reference', 'fetch-only'] as const) {
      const light = await session(true, kind);
      expect(light.seen).toEqual(byFetch.seen);
      expect(light.hash).toBe(byFetch.hash);
      expect(light.stats).toEqual(byFetch.stats);
    }
  });

  test('a gateway status verdict answers the same on both paths', async () => {
    const byFetch = await session(false, 'reference', true);
    const light = await session(true, 'reference', true);
    expect(byFetch.seen[3]).toMatchObject({ status: 503, retryAfter: '2', contentType: 'application/json' });
    expect(light.seen).toEqual(byFetch.seen);
    expect(light.hash).toBe(byFetch.hash);
  });

  test('only a simulated fetch has a light path', () => {
    expect(plainExchangeOf(fetch)).toBeUndefined();
    expect(plainExchangeOf(((input: string) => fetch(input)) as typeof fetch)).toBeUndefined();
  });

  test('the light abort controller aborts as an AbortController does', () => {
    // Same script on both: listeners added, one removed, one removed by an earlier listener,
    // one added twice, one added during the abort; asserts the same calls, order and reason.
    const script = (controller: { abort(): void; signal: PlainAbortSignal }) => {
      const calls: string[] = [];
      const signal = controller.signal;
      const second = () => calls.push('second');
      const removed = () => calls.push('removed');
      signal.addEventListener(
        'abort',
        () => {
          calls.push(`first ${signal.aborted}`);
          signal.removeEventListener('abort', second);
          signal.addEventListener('abort', () => calls.push('late'), { once: true });
        },
        { once: true },
      );
      signal.addEventListener('abort', second, { once: true });
      signal.addEventListener('abort', removed, { once: true });
      signal.removeEventListener('abort', removed);
      const twice = () => calls.push('twice');
      signal.addEventListener('abort', twice, { once: true });
      signal.addEventListener('abort', twice, { once: true });
      controller.abort();
      controller.abort();
      const reason = signal.reason as Error;
      return { calls, aborted: signal.aborted, reason: [reason instanceof Error, reason.name, reason.message] };
    };
    const real = script(new AbortController());
    expect(real.calls).toEqual(['first true', 'twice', 'late']);
    expect(script(new PlainAbortController())).toEqual(real);
  });
});
