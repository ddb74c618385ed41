// Goal: traffic counters and the in-flight count say what went over the wire and what a
// client still waits for. Method: send known bodies with and without faults and read
// stats() and inflight() at chosen virtual times.
import { describe, expect, test } from 'vitest';
import { netHarness } from './harness.ts';

describe('stats', () => {
  test('counts requests that left the device and the bytes of both bodies, per device', async () => {
    const h = netHarness({ handler: (_request, body) => new Response(`ok:${body}`) });
    h.network.addRule({ match: { device: 'B' }, verdict: { type: 'duplicate' } });
    const fetchA = h.network.fetchFor(h.device('A'));
    const fetchB = h.network.fetchFor(h.device('B'));
    h.observe(fetchA(h.url('/x'), { method: 'POST', body: 'héllo' })); // 6 bytes in UTF-8, answer 9
    h.observe(fetchA(h.url('/x')));
    h.observe(fetchB(h.url('/x'), { method: 'POST', body: 'abc' })); // duplicated: 2 answers of 6
    h.network.setOnline('C', false);
    h.observe(h.network.fetchFor(h.device('C'))(h.url('/x'), { method: 'POST', body: 'never' }));
    await h.run();
    expect(h.network.stats()).toEqual({
      requests: 3,
      requestBytes: 9,
      responseBytes: 9 + 3 + 12,
      byDevice: {
        A: { requests: 2, requestBytes: 6, responseBytes: 12 },
        B: { requests: 1, requestBytes: 3, responseBytes: 12 },
      },
    });
  });

  test('a status verdict counts its body; a snapshot does not change later', async () => {
    const h = netHarness();
    h.network.addRule({ match: {}, verdict: { type: 'status', status: 500, body: { error: 'server-error' } } });
    h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    const snapshot = h.network.stats();
    expect(snapshot.responseBytes).toBe(JSON.stringify({ error: 'server-error' }).length);
    h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(snapshot.requests).toBe(1);
    expect(h.network.stats().requests).toBe(2);
  });
});

describe('inflight', () => {
  test('counts fetches still waiting, and drops to 0 when they settle', async () => {
    const h = netHarness({ link: { latencyMs: 100 } });
    const fetchA = h.network.fetchFor(h.device('A'));
    h.observe(fetchA(h.url('/1')));
    h.observe(fetchA(h.url('/2')));
    const seen: number[] = [];
    h.scheduler.at(50, 'look', () => seen.push(h.network.inflight('A'), h.network.inflight('B')));
    h.scheduler.at(250, 'look', () => seen.push(h.network.inflight('A')));
    await h.run();
    expect(seen).toEqual([2, 0, 0]);
  });
});
