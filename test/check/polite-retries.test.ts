/**
 * Goal: polite-retries flags requests sent before a 429's Retry-After elapsed, retries of the
 * same request sooner than RETRY_GAP_MS_MIN after a 5xx or failed connection, and an
 * Idempotency-Key answered more than RETRY_COUNT_MAX times; a restart, a world step, a new
 * phase or a user's pull to refresh is a fresh start. Method: hand-made net.* timelines.
 */
import { describe, expect, it } from 'vitest';
import { checkPoliteRetries, RETRY_COUNT_MAX, RETRY_GAP_MS_MIN } from '../../src/check/index.ts';
import { TraceBuilder } from './builder.ts';

/** d1 sends key k1, the server answers `status` at t=10, and d1 sends k1 again at `retryAt`. */
function retryAfter(status: number, retryAt: number, retryAfterMs?: number, between?: (b: TraceBuilder) => void) {
  const b = new TraceBuilder();
  b.at(0).send('d1', 'd1#1', '/sync/ops', 'k1');
  const answer = b.at(10).receive('d1', 'd1#1', status, retryAfterMs);
  between?.(b);
  const retry = b.at(retryAt).send('d1', 'd1#2', '/sync/ops', 'k1');
  return { history: b.build(), witnesses: [answer, retry] };
}

describe('polite-retries', () => {
  it('passes retries that wait for Retry-After and for the least backoff', () => {
    expect(checkPoliteRetries(retryAfter(429, 10 + 5_000, 5_000).history)).toEqual([]);
    expect(checkPoliteRetries(retryAfter(503, 10 + RETRY_GAP_MS_MIN).history)).toEqual([]);
    expect(checkPoliteRetries(retryAfter(200, 11).history)).toEqual([]);
  });

  it('flags a request to the route before Retry-After elapsed', () => {
    const { history, witnesses } = retryAfter(429, 2_000, 5_000);
    expect(checkPoliteRetries(history)).toEqual([
      expect.objectContaining({ invariant: 'polite-retries', device: 'd1', events: witnesses, actual: '1990 ms' }),
    ]);
  });

  it('applies the least backoff to a 429 without Retry-After', () => {
    const { history, witnesses } = retryAfter(429, 50);
    expect(checkPoliteRetries(history).map((violation) => violation.events)).toEqual([witnesses]);
  });

  it('flags a retry of the same key too soon after a 5xx', () => {
    const { history, witnesses } = retryAfter(503, 60);
    expect(checkPoliteRetries(history)).toEqual([
      expect.objectContaining({ invariant: 'polite-retries', events: witnesses, actual: '50 ms' }),
    ]);
  });

  it('flags a retry too soon after a failed connection, and a keyless route retried at once', () => {
    const b = new TraceBuilder();
    b.at(0).send('d1', 'd1#1', '/sync/ops', 'k1');
    const failed = b.at(5).fail('d1', 'd1#1', 'ECONNRESET');
    const retry = b.at(5).send('d1', 'd1#2', '/sync/ops', 'k1');
    b.at(100).send('d1', 'd1#3', '/changes?since=a', undefined, 'GET');
    const error = b.at(110).receive('d1', 'd1#3', 500);
    const again = b.at(110).send('d1', 'd1#4', '/changes?since=a', undefined, 'GET');
    expect(checkPoliteRetries(b.build()).map((violation) => violation.events)).toEqual([
      [failed, retry],
      [error, again],
    ]);
  });

  it('treats a restart, a world step, a new phase or a pull to refresh as a fresh start', () => {
    const starts: ((b: TraceBuilder) => void)[] = [
      (b) => b.restart('d1'),
      (b) => b.event('sim.step', { device: 'd1', do: 'online' }),
      (b) => b.event('sim.phase', { phase: 'heal' }),
      (b) => b.event('user.call', { device: 'd1', action: 'sync' }),
    ];
    for (const start of starts) expect(checkPoliteRetries(retryAfter(503, 12, undefined, start).history)).toEqual([]);
    const other = retryAfter(503, 12, undefined, (b) => b.event('user.call', { device: 'd1', action: 'update' }));
    expect(checkPoliteRetries(other.history)).toHaveLength(1);
  });

  it('does not hold one request against another key or another device', () => {
    const b = new TraceBuilder();
    b.at(0).send('d1', 'd1#1', '/sync/ops', 'k1');
    b.at(10).receive('d1', 'd1#1', 503);
    b.at(11).send('d1', 'd1#2', '/sync/ops', 'k2');
    b.at(11).send('d2', 'd2#1', '/sync/ops', 'k1');
    expect(checkPoliteRetries(b.build())).toEqual([]);
  });

  it(`flags one key answered more than ${RETRY_COUNT_MAX} times`, () => {
    const build = (count: number) => {
      const b = new TraceBuilder();
      const sends: number[] = [];
      for (let i = 0; i < count; i++) {
        sends.push(b.at(i * 10_000).send('d1', `d1#${i}`, '/sync/ops', 'k1'));
        b.receive('d1', `d1#${i}`, 409);
      }
      return { history: b.build(), sends };
    };
    expect(checkPoliteRetries(build(RETRY_COUNT_MAX).history)).toEqual([]);
    const { history, sends } = build(RETRY_COUNT_MAX + 3);
    expect(checkPoliteRetries(history)).toEqual([
      expect.objectContaining({
        invariant: 'polite-retries',
        events: sends.slice(0, RETRY_COUNT_MAX + 1),
        actual: RETRY_COUNT_MAX + 3,
      }),
    ]);
  });
});
