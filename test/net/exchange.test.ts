// Goal: an undisturbed exchange looks like Node's fetch on both sides and takes exactly the
// link's time. Method: a counting fake server behind a zero-jitter link; assert what the
// server got (count, headers, body), what the client got (a real Response, at which
// virtual ms), and the net.* trace.
import { describe, expect, test } from 'vitest';
import { DEVICE_HEADER } from '../../src/server/protocol.ts';
import { netHarness, type Outcome, postJson } from './harness.ts';

describe('an exchange without faults', () => {
  test('crosses the link both ways: server handles it once, client gets a real Response after 2 × latency', async () => {
    const h = netHarness({ link: { latencyMs: 40 } });
    const outcome = h.observe(
      h.network.fetchFor(h.device('A'))(h.url('/sync/ops?x=1'), postJson({ a: 1 }, { 'Idempotency-Key': 'op-1' })),
    );
    await h.run();
    expect(h.server.count()).toBe(1);
    const handled = h.server.handled[0]!;
    expect(handled).toMatchObject({ deviceId: 'A', method: 'POST', path: '/sync/ops', body: '{"a":1}', atMs: 40 });
    expect(handled.headers.get(DEVICE_HEADER)).toBe('A');
    expect(handled.headers.get('idempotency-key')).toBe('op-1');
    expect(outcome.atMs).toBe(80);
    const response = outcome.response!;
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.url).toBe('http://sync.test/sync/ops?x=1');
    expect(await response.json()).toEqual({ path: '/sync/ops', body: '{"a":1}', n: 1 });
    expect(h.events().map(({ seq: _seq, ...event }) => event)).toEqual([
      {
        t: 0,
        type: 'net.send',
        device: 'A',
        requestId: 'A#1',
        method: 'POST',
        path: '/sync/ops',
        query: 'x=1',
        key: 'op-1',
      },
      { t: 40, type: 'net.deliver', device: 'A', requestId: 'A#1', copy: 0 },
      { t: 40, type: 'net.respond', device: 'A', requestId: 'A#1', status: 200 },
      { t: 80, type: 'net.receive', device: 'A', requestId: 'A#1', status: 200 },
    ]);
  });

  test('jitter keeps each leg within latency ± jitter and varies it', async () => {
    const h = netHarness({ link: { latencyMs: 100, jitterMs: 30 } });
    const fetchA = h.network.fetchFor(h.device('A'));
    const outcomes = Array.from({ length: 40 }, () => h.observe(fetchA(h.url('/changes'))));
    await h.run();
    const times = outcomes.map((outcome) => outcome.atMs!);
    for (const time of times) {
      expect(time).toBeGreaterThanOrEqual(140);
      expect(time).toBeLessThanOrEqual(260);
    }
    expect(new Set(times).size).toBeGreaterThan(10);
    for (const handled of h.server.handled) {
      expect(handled.atMs).toBeGreaterThanOrEqual(70);
      expect(handled.atMs).toBeLessThanOrEqual(130);
    }
  });

  test('a slow but reachable link answers late, without a timeout', async () => {
    const h = netHarness({ link: { latencyMs: 12_000 } });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/changes')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.atMs).toBe(24_000);
    expect(outcome.response?.status).toBe(200);
  });

  test('a server that takes virtual time (long poll) is awaited', async () => {
    const h = netHarness({
      handler: () =>
        new Promise((resolve) => h.scheduler.after(5_000, 'long-poll', () => resolve(Response.json({ changes: [] })))),
    });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/changes?wait=5')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.atMs).toBe(10 + 5_000 + 10);
    expect(await outcome.response!.json()).toEqual({ changes: [] });
  });

  test('a server slower than the timeout: the client fails with ETIMEDOUT, the late answer is dropped', async () => {
    const h = netHarness({
      timeoutMs: 1_000,
      handler: () => new Promise((resolve) => h.scheduler.after(5_000, 'slow', () => resolve(new Response('late')))),
    });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/changes')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.atMs).toBe(1_000);
    expect((outcome.error as Error & { cause: { code: string } }).cause.code).toBe('ETIMEDOUT');
    expect(h.events('net.receive')).toHaveLength(0);
    expect(h.events('net.respond')).toHaveLength(1);
  });

  test('accepts a Request, a URL object and a relative path; bodies of every kind arrive whole', async () => {
    const h = netHarness();
    const fetchA = h.network.fetchFor(h.device('A'));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed '));
        controller.enqueue(new TextEncoder().encode('body'));
        controller.close();
      },
    });
    const outcomes = [
      h.observe(fetchA(new Request(h.url('/a'), { method: 'PUT', body: 'from a Request' }))),
      h.observe(fetchA(new URL(h.url('/b')), { method: 'POST', body: new TextEncoder().encode('bytes') })),
      h.observe(fetchA('/c', { method: 'POST', body: new Blob(['a blob']) })),
      h.observe(fetchA(h.url('/d'), { method: 'POST', body: stream, duplex: 'half' } as RequestInit)),
      h.observe(fetchA(h.url('/e'), { method: 'POST', body: new URLSearchParams({ q: 'x y' }) })),
    ];
    await h.run();
    expect(outcomes.every((outcome) => outcome.response?.status === 200)).toBe(true);
    // Sends are traced in call order; a body that had to be read is put on the link after the others.
    expect(h.events('net.send').map((event) => event.path)).toEqual(['/a', '/b', '/c', '/d', '/e']);
    const handled = h.server.handled.map(({ method, path, body }) => [method, path, body]);
    expect(handled.sort((x, y) => String(x[1]).localeCompare(String(y[1])))).toEqual([
      ['PUT', '/a', 'from a Request'],
      ['POST', '/b', 'bytes'],
      ['POST', '/c', 'a blob'],
      ['POST', '/d', 'streamed body'],
      ['POST', '/e', 'q=x+y'],
    ]);
    expect(h.network.stats().requestBytes).toBe(14 + 5 + 6 + 13 + 5);
  });

  test('a stream response body is measured and still reaches the client whole', async () => {
    const h = netHarness({
      handler: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('chunk-1,'));
              controller.enqueue(new TextEncoder().encode('chunk-2'));
              controller.close();
            },
          }),
          { status: 202, headers: { 'x-kind': 'stream' } },
        ),
    });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/stream')));
    await h.run();
    expect(outcome.response?.status).toBe(202);
    expect(outcome.response?.headers.get('x-kind')).toBe('stream');
    expect(await outcome.response!.text()).toBe('chunk-1,chunk-2');
    expect(h.network.stats().responseBytes).toBe(15);
  });

  test('a request body stream that errors fails the fetch with the stream error as cause', async () => {
    const h = netHarness();
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('disk gone'));
      },
    });
    let outcome: Outcome = { settled: false };
    h.scheduler.at(100, 'send', () => {
      const init = { method: 'POST', body: broken, duplex: 'half' } as RequestInit;
      outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), init));
    });
    await h.run();
    expect(outcome.atMs).toBe(100);
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect(((outcome.error as TypeError).cause as Error).message).toBe('disk gone');
    expect(h.server.count()).toBe(0);
    expect(h.network.inflight('A')).toBe(0);
  });

  test('an invalid URL rejects like fetch does (TypeError), before anything is sent', async () => {
    const h = netHarness();
    const fetchA = h.network.fetchFor(h.device('A'));
    await expect(fetchA('http://[bad', {})).rejects.toBeInstanceOf(TypeError);
    await expect(fetchA(h.url('/x'), { method: 'GET', body: 'no body on GET' })).rejects.toBeInstanceOf(TypeError);
    expect(h.events()).toHaveLength(0);
  });

  test('another origin is not found (ENOTFOUND); the server is never reached', async () => {
    const h = netHarness();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))('http://elsewhere.test/x'));
    await h.run();
    expect(h.server.count()).toBe(0);
    expect(outcome.atMs).toBe(0);
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect((outcome.error as TypeError).cause).toMatchObject({ code: 'ENOTFOUND', hostname: 'elsewhere.test' });
    expect(h.events('net.fail')).toMatchObject([{ device: 'A', requestId: 'A#1', code: 'ENOTFOUND' }]);
  });

  test('a 204 answer and a HEAD request come back with no body', async () => {
    const h = netHarness({
      handler: (request) => new Response(null, { status: request.method === 'HEAD' ? 200 : 204 }),
    });
    const fetchA = h.network.fetchFor(h.device('A'));
    const noContent = h.observe(fetchA(h.url('/x'), { method: 'DELETE' }));
    const head = h.observe(fetchA(h.url('/x'), { method: 'HEAD' }));
    await h.run();
    expect(noContent.response?.status).toBe(204);
    expect(noContent.response?.body).toBeNull();
    expect(head.response?.status).toBe(200);
    expect(await head.response!.text()).toBe('');
  });
});
