// Goal: offline and one-way partitions behave as a phone's network does. Method: one device,
// a 10 ms link and a counting fake server; switch connectivity before or during an
// exchange and assert the server's count, the client's error code and its virtual time.
import { describe, expect, test } from 'vitest';
import { failureCode, netHarness } from './harness.ts';

describe('offline', () => {
  test('fails fast with ECONNREFUSED; nothing reaches the server or counts as traffic', async () => {
    const h = netHarness();
    h.network.setOnline('A', false);
    expect(h.network.isOnline('A')).toBe(false);
    expect(h.network.isOnline('B')).toBe(true);
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(0);
    expect(failureCode(outcome.error)).toBe('ECONNREFUSED');
    expect((outcome.error as TypeError).cause).toMatchObject({
      syscall: 'connect',
      errno: -111,
      address: 'sync.test',
      port: 80,
    });
    expect(outcome.atMs).toBe(0);
    expect(h.events().map((event) => [event.type, event.fault ?? event.code])).toEqual([
      ['net.send', undefined],
      ['net.fault', 'offline'],
      ['net.fail', 'ECONNREFUSED'],
    ]);
    expect(h.network.stats().requests).toBe(0);
  });

  test('back online, requests go through again', async () => {
    const h = netHarness();
    h.network.setOnline('A', false);
    h.network.setOnline('A', true);
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.response?.status).toBe(200);
  });

  test('going offline after the server got the request: handled 1, the client gets ECONNRESET at once', async () => {
    const h = netHarness();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    h.scheduler.after(15, 'offline', () => h.network.setOnline('A', false));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(failureCode(outcome.error)).toBe('ECONNRESET');
    expect(outcome.atMs).toBe(15);
    expect(h.events('net.receive')).toHaveLength(0);
    expect(h.network.inflight('A')).toBe(0);
  });

  test('going offline before the request landed: it is lost (handled 0), ECONNRESET at once', async () => {
    const h = netHarness();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    h.scheduler.after(5, 'offline', () => h.network.setOnline('A', false));
    await h.run();
    expect(h.server.count()).toBe(0);
    expect(failureCode(outcome.error)).toBe('ECONNRESET');
    expect(outcome.atMs).toBe(5);
  });

  test('another device going offline does not touch this one', async () => {
    const h = netHarness();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    h.scheduler.after(5, 'offline', () => h.network.setOnline('B', false));
    await h.run();
    expect(outcome.response?.status).toBe(200);
  });
});

describe('partition (online but unreachable)', () => {
  test('outbound: the request is lost, handled 0, ETIMEDOUT after the bound', async () => {
    const h = netHarness({ timeoutMs: 8_000 });
    h.network.partition('A', 'outbound');
    expect(h.network.isOnline('A')).toBe(true);
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(0);
    expect(failureCode(outcome.error)).toBe('ETIMEDOUT');
    expect(outcome.atMs).toBe(8_000);
    expect(h.events('net.fault').map((event) => event.fault)).toEqual(['partition-outbound']);
  });

  test('inbound: the server handles it (1), the answer is lost, ETIMEDOUT after the bound', async () => {
    const h = netHarness({ timeoutMs: 8_000 });
    h.network.partition('A', 'inbound');
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(failureCode(outcome.error)).toBe('ETIMEDOUT');
    expect(outcome.atMs).toBe(8_000);
    expect(h.events('net.fault').map((event) => event.fault)).toEqual(['partition-inbound']);
  });

  test('both (the default): handled 0, ETIMEDOUT; repair restores the link', async () => {
    const h = netHarness({ timeoutMs: 8_000 });
    h.network.partition('A');
    const lost = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    const other = h.observe(h.network.fetchFor(h.device('B'))(h.url('/x')));
    await h.run();
    expect(h.server.handled.map((handled) => handled.deviceId)).toEqual(['B']);
    expect(failureCode(lost.error)).toBe('ETIMEDOUT');
    expect(other.response?.status).toBe(200);
    h.network.repair('A');
    const healed = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(healed.response?.status).toBe(200);
    expect(h.server.count()).toBe(2);
  });
});
