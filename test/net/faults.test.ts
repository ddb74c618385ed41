// Goal: each injected fault has the effect it promises on BOTH sides. Method: one request
// (or two, for reordering) through a zero-jitter 10 ms link with a counting fake server;
// the fault comes from a rule or from a link probability of 1. Each test asserts how many
// times the server handled the request, what the client saw (status, or the error and its
// cause.code), when in virtual ms, and the net.fault the trace names.
import { describe, expect, test } from 'vitest';
import type { FaultVerdict, LinkProfile } from '../../src/net/index.ts';
import { failureCode, netHarness, postJson } from './harness.ts';

const TIMEOUT_MS = 30_000;

/** Sends one POST from device A with `verdict` as a rule (or `link` faults), runs to idle. */
async function oneRequest(fault: { verdict?: FaultVerdict; link?: Partial<LinkProfile> }) {
  const h = netHarness({ timeoutMs: TIMEOUT_MS });
  if (fault.verdict !== undefined)
    h.network.addRule({ id: 'under-test', match: { device: 'A' }, verdict: fault.verdict });
  if (fault.link !== undefined) h.network.setLink('A', fault.link);
  const outcome = h.observe(
    h.network.fetchFor(h.device('A'))(h.url('/sync/ops'), postJson({ op: 1 }, { 'Idempotency-Key': 'op-1' })),
  );
  await h.run();
  const faults = h.events('net.fault').map((event) => event.fault);
  return { h, outcome, faults };
}

describe('request lost', () => {
  for (const [name, fault] of [
    ['rule drop-request', { verdict: { type: 'drop-request' } }],
    ['link requestLossProbability 1', { link: { requestLossProbability: 1 } }],
  ] as const) {
    test(`${name}: server handled 0, client fails with ETIMEDOUT after the bound`, async () => {
      const { h, outcome, faults } = await oneRequest(fault);
      expect(h.server.count()).toBe(0);
      expect(failureCode(outcome.error)).toBe('ETIMEDOUT');
      expect(outcome.atMs).toBe(TIMEOUT_MS);
      expect(faults).toEqual(['drop-request']);
      expect(h.events('net.deliver')).toHaveLength(0);
    });
  }
});

describe('response lost after the server handled it', () => {
  for (const [name, fault] of [
    ['rule drop-response', { verdict: { type: 'drop-response' } }],
    ['link responseLossProbability 1', { link: { responseLossProbability: 1 } }],
  ] as const) {
    test(`${name}: server handled 1, client fails with ETIMEDOUT after the bound`, async () => {
      const { h, outcome, faults } = await oneRequest(fault);
      expect(h.server.count()).toBe(1);
      expect(h.server.handled[0]?.atMs).toBe(10);
      expect(failureCode(outcome.error)).toBe('ETIMEDOUT');
      expect(outcome.atMs).toBe(TIMEOUT_MS);
      expect(faults).toEqual(['drop-response']);
      expect(h.events('net.respond')).toMatchObject([{ t: 10, status: 200 }]);
      expect(h.events('net.receive')).toHaveLength(0);
    });
  }
});

describe('request duplicated', () => {
  for (const [name, fault] of [
    ['rule duplicate', { verdict: { type: 'duplicate' } }],
    ['link duplicateProbability 1', { link: { duplicateProbability: 1 } }],
  ] as const) {
    test(`${name}: server handled 2 identical copies, client sees one answer (the first)`, async () => {
      const { h, outcome, faults } = await oneRequest(fault);
      expect(h.server.count()).toBe(2);
      const [first, second] = h.server.handled;
      expect([first?.atMs, second?.atMs]).toEqual([10, 20]);
      expect(second?.body).toBe(first?.body);
      expect(second?.headers.get('idempotency-key')).toBe('op-1');
      expect(outcome.atMs).toBe(20);
      expect(outcome.response?.status).toBe(200);
      expect(((await outcome.response!.json()) as { n: number }).n).toBe(1);
      expect(faults).toEqual(['duplicate']);
      expect(h.events('net.deliver').map((event) => event.copy)).toEqual([0, 1]);
      expect(h.events('net.respond')).toHaveLength(2);
      expect(h.events('net.receive')).toHaveLength(1);
    });
  }

  test('the client sees the first copy’s answer even when the second copy is answered first', async () => {
    let calls = 0;
    const h = netHarness({
      handler: () =>
        ++calls === 1
          ? new Promise((resolve) => h.scheduler.after(100, 'hold', () => resolve(new Response('copy 0'))))
          : new Response('copy 1'),
    });
    h.network.addRule({ match: {}, verdict: { type: 'duplicate', delayMs: 0 } });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { method: 'POST', body: 'b' }));
    await h.run();
    expect(h.server.count()).toBe(2);
    expect(outcome.atMs).toBe(120);
    expect(await outcome.response?.text()).toBe('copy 0');
  });

  test('duplicate delayMs sets how much later the second copy lands', async () => {
    const { h } = await oneRequest({ verdict: { type: 'duplicate', delayMs: 2_500 } });
    expect(h.server.handled.map((handled) => handled.atMs)).toEqual([10, 2_510]);
  });
});

describe('connection reset mid-response', () => {
  for (const [name, fault] of [
    ['rule reset', { verdict: { type: 'reset' } }],
    ['link resetProbability 1', { link: { resetProbability: 1 } }],
  ] as const) {
    test(`${name}: server handled 1, client fails with ECONNRESET when the answer would arrive`, async () => {
      const { h, outcome, faults } = await oneRequest(fault);
      expect(h.server.count()).toBe(1);
      expect(failureCode(outcome.error)).toBe('ECONNRESET');
      expect(outcome.atMs).toBe(20);
      expect(faults).toEqual(['reset']);
      expect(h.events('net.fail')).toMatchObject([{ t: 20, code: 'ECONNRESET' }]);
    });
  }

  test('a server answering Response.error() looks like a reset too', async () => {
    const h = netHarness({ handler: () => Response.error() });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(failureCode(outcome.error)).toBe('ECONNRESET');
    expect(outcome.atMs).toBe(20);
  });
});

describe('status override', () => {
  test('server handled 0; the client gets the status, headers and JSON body; retryAfterMs is traced', async () => {
    const { h, outcome, faults } = await oneRequest({
      verdict: { type: 'status', status: 503, headers: { 'Retry-After': '7' }, body: { error: 'unavailable' } },
    });
    expect(h.server.count()).toBe(0);
    expect(outcome.atMs).toBe(20);
    expect(outcome.response?.status).toBe(503);
    expect(outcome.response?.headers.get('retry-after')).toBe('7');
    expect(outcome.response?.headers.get('content-type')).toBe('application/json');
    expect(await outcome.response!.json()).toEqual({ error: 'unavailable' });
    expect(faults).toEqual(['status']);
    expect(h.events('net.receive')).toMatchObject([{ t: 20, status: 503, retryAfterMs: 7_000 }]);
  });

  test('a Retry-After HTTP date is measured against virtual server time', async () => {
    const date = new Date(Date.UTC(2026, 0, 1, 0, 1, 0)).toUTCString(); // 60 s after virtual time 0
    const { h, outcome } = await oneRequest({
      verdict: { type: 'status', status: 429, headers: { 'Retry-After': date } },
    });
    expect(outcome.response?.status).toBe(429);
    expect(h.events('net.receive')).toMatchObject([{ retryAfterMs: 60_000 - 20 }]);
  });
});

describe('delay', () => {
  test('on the request leg: the server handles it late, the client hears back late', async () => {
    const { h, outcome, faults } = await oneRequest({ verdict: { type: 'delay', ms: 1_000 } });
    expect(h.server.handled.map((handled) => handled.atMs)).toEqual([1_010]);
    expect(outcome.atMs).toBe(1_020);
    expect(outcome.response?.status).toBe(200);
    expect(faults).toEqual(['delay']);
  });

  test('on the response leg: the server handles it on time, the answer comes late', async () => {
    const { h, outcome } = await oneRequest({ verdict: { type: 'delay', ms: 1_000, leg: 'response' } });
    expect(h.server.handled.map((handled) => handled.atMs)).toEqual([10]);
    expect(outcome.atMs).toBe(1_020);
  });
});

describe('reordering', () => {
  test('a delayed response is overtaken by a later request’s response', async () => {
    const h = netHarness();
    h.network.addRule({ match: { device: 'A', nth: 1 }, verdict: { type: 'delay', ms: 50, leg: 'response' } });
    const fetchA = h.network.fetchFor(h.device('A'));
    const received: string[] = [];
    const first = fetchA(h.url('/first')).then(() => received.push('first'));
    h.scheduler.after(5, 'second', () => void fetchA(h.url('/second')).then(() => received.push('second')));
    await h.run();
    await first;
    expect(h.server.handled.map((handled) => [handled.path, handled.atMs])).toEqual([
      ['/first', 10],
      ['/second', 15],
    ]);
    expect(received).toEqual(['second', 'first']);
  });

  test('link reorderProbability adds a response delay within reorderDelayMsMax', async () => {
    const h = netHarness({ link: { reorderProbability: 1, reorderDelayMsMax: 400 } });
    const fetchA = h.network.fetchFor(h.device('A'));
    const outcomes = Array.from({ length: 10 }, () => h.observe(fetchA(h.url('/x'))));
    await h.run();
    expect(h.server.count()).toBe(10);
    const times = outcomes.map((outcome) => outcome.atMs!);
    for (const time of times) {
      expect(time).toBeGreaterThan(20);
      expect(time).toBeLessThanOrEqual(420);
    }
    const arrival = h.events('net.receive').map((event) => event.requestId);
    expect(arrival).not.toEqual(
      arrival.slice().sort((a, b) => Number(String(a).slice(2)) - Number(String(b).slice(2))),
    );
    expect(h.events('net.fault').every((event) => event.fault === 'reorder')).toBe(true);
  });
});

describe('heal', () => {
  test('setFaultsEnabled(false) turns off rules and random link faults; latency stays', async () => {
    const h = netHarness();
    h.network.addRule({ match: {}, verdict: { type: 'drop-request' } });
    h.network.setLink('A', { requestLossProbability: 1, latencyMs: 25 });
    h.network.setFaultsEnabled(false);
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.atMs).toBe(50);
    expect(h.events('net.fault')).toHaveLength(0);
    h.network.setFaultsEnabled(true);
    const again = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(failureCode(again.error)).toBe('ETIMEDOUT');
  });
});
