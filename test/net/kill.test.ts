// Goal: a killed incarnation never sees a response, a failure or a timer again, while its
// requests already on the wire still reach the server. Method: kill a device at chosen
// virtual times around an exchange; assert the server's count, that the client's promise
// never settled, and the trace.
import { describe, expect, test } from 'vitest';
import { DeviceClock } from '../../src/kernel/clock.ts';
import { netHarness } from './harness.ts';

describe('a killed incarnation', () => {
  test('killed while the server handles its request: handled 1, never sees the response', async () => {
    const h = netHarness();
    const life = h.device('A');
    const outcome = h.observe(h.network.fetchFor(life)(h.url('/sync/ops'), { method: 'POST', body: 'x' }));
    h.scheduler.after(15, 'kill', () => life.kill());
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.settled).toBe(false);
    expect(h.events('net.respond')).toHaveLength(1);
    expect(h.events('net.receive')).toHaveLength(0);
    expect(h.network.inflight('A')).toBe(0);
  });

  test('killed before its request landed: the request still lands (handled 1), no answer', async () => {
    const h = netHarness();
    const life = h.device('A');
    const outcome = h.observe(h.network.fetchFor(life)(h.url('/sync/ops'), { method: 'POST', body: 'x' }));
    h.scheduler.after(5, 'kill', () => life.kill());
    await h.run();
    expect(h.server.count()).toBe(1);
    expect(outcome.settled).toBe(false);
  });

  test('no timeout, reset or offline failure reaches it either', async () => {
    const h = netHarness({ timeoutMs: 1_000 });
    const life = h.device('A');
    h.network.addRule({ match: { nth: 1 }, verdict: { type: 'drop-response' } });
    h.network.addRule({ match: { nth: 2 }, verdict: { type: 'reset' } });
    const fetchA = h.network.fetchFor(life);
    const outcomes = [
      h.observe(fetchA(h.url('/lost'))),
      h.observe(fetchA(h.url('/reset'))),
      h.observe(fetchA(h.url('/cut'))),
    ];
    h.scheduler.after(12, 'kill', () => life.kill());
    h.scheduler.after(13, 'offline', () => h.network.setOnline('A', false));
    await h.run();
    expect(outcomes.map((outcome) => outcome.settled)).toEqual([false, false, false]);
    expect(h.events('net.fail')).toHaveLength(0);
    expect(h.events('net.receive')).toHaveLength(0);
  });

  test('an abort after the kill is not reported to it', async () => {
    const h = netHarness({ link: { latencyMs: 100 } });
    const life = h.device('A');
    const controller = new AbortController();
    const outcome = h.observe(h.network.fetchFor(life)(h.url('/x'), { signal: controller.signal }));
    h.scheduler.after(10, 'kill', () => life.kill());
    h.scheduler.after(20, 'abort', () => controller.abort());
    await h.run();
    expect(outcome.settled).toBe(false);
    expect(h.events('net.abort')).toHaveLength(0);
  });

  test('fetch called by a dead incarnation never settles and sends nothing', async () => {
    const h = netHarness();
    const life = h.device('A');
    const fetchA = h.network.fetchFor(life);
    life.kill();
    const outcome = h.observe(fetchA(h.url('/x')));
    await h.run();
    expect(outcome.settled).toBe(false);
    expect(h.server.count()).toBe(0);
    expect(h.events()).toHaveLength(0);
  });

  test('its timers never fire; the next incarnation of the device works normally', async () => {
    const h = netHarness();
    const life = h.device('A');
    const clock = new DeviceClock({ scheduler: h.scheduler, owner: life });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('old timer'), 50);
    h.observe(h.network.fetchFor(life)(h.url('/old')));
    life.kill();
    const next = life.next();
    const outcome = h.observe(h.network.fetchFor(next)(h.url('/new')));
    await h.run();
    expect(fired).toEqual([]);
    expect(outcome.response?.status).toBe(200);
    expect(h.server.handled.map((handled) => handled.path)).toEqual(['/old', '/new']);
    expect(h.events('net.receive').map((event) => event.requestId)).toEqual(['A#2']);
  });
});
