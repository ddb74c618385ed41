/**
 * Goal: request-storm flags a request resent unchanged more than REFUSED_REPEATS_MAX times in
 * a row after a 4xx other than 401/429, and more than QUIET_REQUESTS_MAX requests of one
 * device in the watch after convergence; a changed request, a 401/429/5xx in between, or a
 * quiet device passes. Method: hand-made net.* timelines.
 */
import { describe, expect, it } from 'vitest';
import { checkRequestStorm, QUIET_REQUESTS_MAX, REFUSED_REPEATS_MAX } from '../../src/check/index.ts';
import { TraceBuilder } from './builder.ts';

/** d1 sends GET /changes?`query` `count` times, each answered with `status(i)`. */
function pulls(b: TraceBuilder, count: number, status: (index: number) => number, query = 'since=c1', from = 0) {
  for (let index = 0; index < count; index++) {
    const id = `d1#${from + index}`;
    b.at(from + index * 10).event('net.send', { device: 'd1', requestId: id, method: 'GET', path: '/changes', query });
    b.receive('d1', id, status(index));
  }
}

describe('request-storm', () => {
  it('flags a refused request resent unchanged past the bound, once', () => {
    const b = new TraceBuilder();
    pulls(b, REFUSED_REPEATS_MAX + 5, () => 410);
    const violations = checkRequestStorm(b.build());
    expect(violations).toEqual([
      expect.objectContaining({ invariant: 'request-storm', device: 'd1', actual: REFUSED_REPEATS_MAX + 1 }),
    ]);
    expect(violations[0]?.message).toContain('GET /changes?since=c1');
  });

  it('passes the bound itself, a retryable 4xx, and a row broken by another answer', () => {
    const atBound = new TraceBuilder();
    pulls(atBound, REFUSED_REPEATS_MAX + 1, () => 400);
    expect(checkRequestStorm(atBound.build())).toEqual([]);
    const retryable = new TraceBuilder();
    pulls(retryable, 50, (index) => (index % 2 === 0 ? 429 : 401));
    expect(checkRequestStorm(retryable.build())).toEqual([]);
    const broken = new TraceBuilder();
    pulls(broken, 50, (index) => (index % 10 === 9 ? 503 : 409));
    expect(checkRequestStorm(broken.build())).toEqual([]);
  });

  it('does not count a changed request as a repeat', () => {
    const b = new TraceBuilder();
    for (let index = 0; index < 40; index++) {
      const id = `d1#${index}`;
      b.at(index).event('net.send', {
        device: 'd1',
        requestId: id,
        method: 'GET',
        path: '/changes',
        query: `since=c${index}`,
      });
      b.receive('d1', id, 410);
    }
    expect(checkRequestStorm(b.build())).toEqual([]);
  });

  it('flags polling after convergence past the bound, and only after the sim.quiet marker', () => {
    const b = new TraceBuilder();
    pulls(b, 100, () => 200, 'since=c5');
    const quiet = b.at(5_000).event('sim.quiet', { ms: 60_000 });
    pulls(b, QUIET_REQUESTS_MAX, () => 200, 'since=c5', 6_000);
    expect(checkRequestStorm(b.build())).toEqual([]);
    pulls(b, 1, () => 200, 'since=c5', 7_000);
    const violations = checkRequestStorm(b.build());
    expect(violations).toEqual([expect.objectContaining({ device: 'd1', actual: QUIET_REQUESTS_MAX + 1 })]);
    expect(violations[0]?.events[0]).toBe(quiet);
  });
});
