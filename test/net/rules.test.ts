// Goal: fault rules match exactly what they say, count `nth` and `times` as documented, and
// are plain data. Method: send a series of requests from two devices through rules that
// drop requests (an easy-to-see verdict) and list which paths reached the server.
import { describe, expect, test } from 'vitest';
import { AssertionError } from '../../src/kernel/assert.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { type NetworkFaultRule, RuleBook } from '../../src/net/index.ts';
import { netHarness } from './harness.ts';

/** Sends `paths` from `device` one after another (1 ms apart), returns the paths the server handled. */
async function survivors(rules: NetworkFaultRule[], sends: [device: string, method: string, path: string][]) {
  const h = netHarness({ timeoutMs: 100 });
  for (const rule of rules) h.network.addRule(rule);
  sends.forEach(([device, method, path], index) => {
    h.scheduler.at(
      index,
      'send',
      () =>
        void h.network
          .fetchFor(h.device(device))(h.url(path), { method })
          .catch(() => {}),
    );
  });
  await h.run();
  return h.server.handled.map((handled) => `${handled.deviceId} ${handled.method} ${handled.path}`);
}

const DROP = { type: 'drop-request' } as const;

describe('rule matching', () => {
  test('device, method (any case) and exact path must all match', async () => {
    const handled = await survivors(
      [{ match: { device: 'A', method: 'post', path: '/sync/ops' }, verdict: DROP }],
      [
        ['A', 'POST', '/sync/ops'],
        ['A', 'GET', '/sync/ops'],
        ['A', 'POST', '/sync/ops/extra'],
        ['B', 'POST', '/sync/ops'],
      ],
    );
    expect(handled).toEqual(['A GET /sync/ops', 'A POST /sync/ops/extra', 'B POST /sync/ops']);
  });

  test('a path ending in * is a prefix; the query string is not part of the path', async () => {
    const handled = await survivors(
      [{ match: { path: '/sync/*' }, verdict: DROP }],
      [
        ['A', 'POST', '/sync/ops'],
        ['A', 'POST', '/sync/batch?x=1'],
        ['A', 'GET', '/changes?since=/sync/'],
      ],
    );
    expect(handled).toEqual(['A GET /changes']);
  });

  test('nth applies to the nth matching request only', async () => {
    const sends = Array.from({ length: 5 }, (_, index) => ['A', 'GET', `/r${index + 1}`] as [string, string, string]);
    expect(await survivors([{ match: { nth: 3 }, verdict: DROP }], sends)).toEqual([
      'A GET /r1',
      'A GET /r2',
      'A GET /r4',
      'A GET /r5',
    ]);
  });

  test('times bounds how often a rule applies', async () => {
    const sends = Array.from({ length: 5 }, (_, index) => ['A', 'GET', `/r${index + 1}`] as [string, string, string]);
    expect(await survivors([{ match: {}, verdict: DROP, times: 2 }], sends)).toEqual([
      'A GET /r3',
      'A GET /r4',
      'A GET /r5',
    ]);
  });

  test('fromMs and untilMs bound the window of send times (from inclusive, until exclusive)', async () => {
    const sends = Array.from({ length: 6 }, (_, index) => ['A', 'GET', `/t${index}`] as [string, string, string]);
    expect(await survivors([{ match: { fromMs: 2, untilMs: 4 }, verdict: DROP }], sends)).toEqual([
      'A GET /t0',
      'A GET /t1',
      'A GET /t4',
      'A GET /t5',
    ]);
  });

  test('the first non-pass verdict wins; a pass rule decides nothing', async () => {
    const h = netHarness();
    h.network.addRule({ id: 'pass', match: {}, verdict: { type: 'pass' } });
    h.network.addRule({ id: 'status', match: {}, verdict: { type: 'status', status: 418 } });
    h.network.addRule({ id: 'drop', match: {}, verdict: DROP });
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(outcome.response?.status).toBe(418);
  });

  test('a rule counts its matches even when an earlier rule won, so nth is stable', async () => {
    const sends = Array.from({ length: 3 }, (_, index) => ['A', 'GET', `/r${index + 1}`] as [string, string, string]);
    const handled = await survivors(
      [
        { match: { nth: 1 }, verdict: { type: 'delay', ms: 1 } },
        { match: { nth: 2 }, verdict: DROP },
      ],
      sends,
    );
    expect(handled).toEqual(['A GET /r1', 'A GET /r3']);
  });

  test('probability draws from the device stream: the same seed drops the same requests', async () => {
    const sends = Array.from({ length: 40 }, (_, index) => ['A', 'GET', `/r${index}`] as [string, string, string]);
    const rule: NetworkFaultRule = { match: { probability: 0.5 }, verdict: DROP };
    const first = await survivors([rule], sends);
    expect(await survivors([rule], sends)).toEqual(first);
    expect(first.length).toBeGreaterThan(8);
    expect(first.length).toBeLessThan(32);
  });

  test('clearRules removes every rule', async () => {
    const h = netHarness();
    h.network.addRule({ match: {}, verdict: DROP });
    h.network.clearRules();
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(outcome.response?.status).toBe(200);
  });
});

describe('rules are plain data', () => {
  test('a rule survives a JSON round trip and is copied on add (later edits do nothing)', () => {
    const rule: NetworkFaultRule = {
      id: 'r1',
      match: { device: 'A', method: 'POST', path: '/sync/*', nth: 2, fromMs: 0, untilMs: 1_000, probability: 1 },
      verdict: { type: 'status', status: 429, headers: { 'Retry-After': '3' }, body: { error: 'rate-limited' } },
      times: 1,
    };
    expect(JSON.parse(JSON.stringify(rule))).toEqual(rule);
    const book = new RuleBook();
    book.add(rule);
    rule.match.device = 'B';
    const rng = new Rng('rules');
    const subject = { device: 'A', method: 'POST', path: '/sync/ops', timeMs: 5 };
    expect(book.evaluate(subject, rng)).toBeUndefined();
    expect(book.evaluate(subject, rng)).toEqual({ ruleId: 'r1', verdict: JSON.parse(JSON.stringify(rule.verdict)) });
    expect(book.evaluate(subject, rng)).toBeUndefined();
  });

  test('a malformed rule is a programmer error, named', () => {
    const book = new RuleBook();
    const bad: unknown[] = [
      { match: { nth: 0 }, verdict: DROP },
      { match: { probability: 2 }, verdict: DROP },
      { match: { path: 'sync' }, verdict: DROP },
      { match: {}, verdict: DROP, times: -1 },
      { match: {}, verdict: { type: 'delay', ms: -5 } },
      { match: {}, verdict: { type: 'status', status: 99 } },
      { match: {}, verdict: { type: 'explode' } },
    ];
    for (const rule of bad) expect(() => book.add(rule as NetworkFaultRule)).toThrow(AssertionError);
    expect(book.size).toBe(0);
    expect(() => book.add({ id: 'named', match: { nth: 0 }, verdict: DROP })).toThrow(/'named'/);
  });
});
