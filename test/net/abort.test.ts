// Goal: an AbortSignal is honoured in virtual time, as Node's fetch honours it in real time.
// Method: abort from scheduler events (and from a DeviceClock timer) at known virtual times
// and assert the rejection, its time, and what the server saw.
import { describe, expect, test } from 'vitest';
import { DeviceClock } from '../../src/kernel/clock.ts';
import { netHarness } from './harness.ts';

describe('abort', () => {
  test('an already aborted signal rejects with an AbortError; nothing is sent', async () => {
    const h = netHarness();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { signal: AbortSignal.abort() }));
    await h.run();
    expect(outcome.error).toBeInstanceOf(DOMException);
    expect((outcome.error as DOMException).name).toBe('AbortError');
    expect(h.server.count()).toBe(0);
    expect(h.events()).toHaveLength(0);
  });

  test('aborting while waiting for a lost response rejects at that moment, not at the timeout', async () => {
    const h = netHarness();
    h.network.addRule({ match: {}, verdict: { type: 'drop-response' } });
    const controller = new AbortController();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { signal: controller.signal }));
    h.scheduler.after(500, 'abort', () => controller.abort());
    await h.run();
    expect(h.server.count()).toBe(1);
    expect((outcome.error as DOMException).name).toBe('AbortError');
    expect(outcome.atMs).toBe(500);
    expect(h.events('net.abort')).toMatchObject([{ t: 500, device: 'A', requestId: 'A#1' }]);
    expect(h.events('net.fail')).toHaveLength(0);
    expect(h.scheduler.now()).toBe(500);
  });

  test('a request aborted on its way still lands (its bytes were sent); its answer is dropped', async () => {
    const h = netHarness();
    const controller = new AbortController();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { signal: controller.signal }));
    h.scheduler.after(5, 'abort', () => controller.abort());
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.atMs).toBe(5);
    expect(h.events('net.receive')).toHaveLength(0);
  });

  test('the rejection is the signal’s reason when one is given', async () => {
    const h = netHarness();
    const controller = new AbortController();
    const reason = new Error('user left the screen');
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { signal: controller.signal }));
    h.scheduler.after(3, 'abort', () => controller.abort(reason));
    await h.run();
    expect(outcome.error).toBe(reason);
  });

  test('a signal on a Request input is honoured too', async () => {
    const h = netHarness({ link: { latencyMs: 1_000 } });
    const controller = new AbortController();
    const request = new Request(h.url('/x'), { signal: controller.signal });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(request));
    h.scheduler.after(100, 'abort', () => controller.abort());
    await h.run();
    expect((outcome.error as DOMException).name).toBe('AbortError');
    expect(outcome.atMs).toBe(100);
  });

  test('a client timeout built on the device clock aborts a slow long poll in virtual time', async () => {
    const h = netHarness({
      handler: () => new Promise((resolve) => h.scheduler.after(20_000, 'hold', () => resolve(new Response('{}')))),
    });
    const device = h.device('A');
    const clock = new DeviceClock({ scheduler: h.scheduler, owner: device });
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), 2_000);
    const outcome = h.observe(h.network.fetchFor(device)(h.url('/changes'), { signal: controller.signal }));
    void outcome;
    await h.run();
    clock.clearTimeout(timer);
    expect((outcome.error as DOMException).name).toBe('AbortError');
    expect(outcome.atMs).toBe(2_000);
    expect(h.server.count()).toBe(1);
  });

  test('aborting after the answer arrived changes nothing', async () => {
    const h = netHarness();
    const controller = new AbortController();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x'), { signal: controller.signal }));
    h.scheduler.after(100, 'abort', () => controller.abort());
    await h.run();
    expect(outcome.response?.status).toBe(200);
    expect(outcome.atMs).toBe(20);
    expect(h.events('net.abort')).toHaveLength(0);
  });
});
