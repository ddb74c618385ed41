/**
 * Goal: the shrinker is bounded by counts (candidate runs, events per candidate and in all,
 * scaled on the original run), so where it stops does not depend on the machine; wall time
 * only acts as an outer guard, and a candidate stopped by its guard stops the search.
 * Method: a hand-driven clock and charged costs.
 */
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_EVENTS_FACTOR,
  CANDIDATE_EVENTS_SLACK,
  CANDIDATE_RUNS_MAX,
  CANDIDATE_TIMEOUT_MS_MIN,
  ORIGINAL_TIMEOUT_MS,
  SHRINK_EVENTS_FACTOR,
  SHRINK_EVENTS_MIN,
  ShrinkBudget,
} from '../../src/scenario/shrink-budget.ts';

describe('ShrinkBudget', () => {
  it('scales each candidate on the original run, whatever the wall time of the runs', () => {
    for (const wallMs of [10, 10_000]) {
      let now = 0;
      const budget = new ShrinkBudget({ now: () => now, timeLimitMs: 1_200_000 });
      expect(budget.next()).toEqual({ timeoutMs: ORIGINAL_TIMEOUT_MS });
      now += wallMs;
      budget.recordOriginal(10_000, wallMs);
      budget.recordOriginal(99, 1); // only the original sets the scale
      budget.charge({ events: 10_000, overran: false });
      expect(budget.next().eventsMax).toBe(CANDIDATE_EVENTS_FACTOR * 10_000 + CANDIDATE_EVENTS_SLACK);
      // The per-candidate wall limit is a guard far above the run: never below its floor.
      expect(budget.next().timeoutMs).toBeGreaterThanOrEqual(CANDIDATE_TIMEOUT_MS_MIN);
      expect(budget.stoppedBy).toBeUndefined();
    }
  });

  it('stops after its candidate runs, counted as the search consumes them', () => {
    const budget = new ShrinkBudget({ runsMax: 3 });
    budget.recordOriginal(100, 0);
    for (let run = 0; run < 3; run++) {
      expect(budget.stoppedBy).toBeUndefined();
      budget.charge({ events: 100, overran: false });
    }
    expect(budget.stoppedBy).toBe('runs');
    expect(budget.runsSpent).toBe(3);
    expect(new ShrinkBudget({}).stoppedBy).toBeUndefined();
    expect(CANDIDATE_RUNS_MAX).toBeGreaterThan(100);
  });

  it('stops once the candidates spent their events, scaled on the original', () => {
    const original = 100_000;
    const budget = new ShrinkBudget({});
    budget.recordOriginal(original, 0);
    expect(budget.eventsMax).toBe(Math.max(SHRINK_EVENTS_MIN, SHRINK_EVENTS_FACTOR * original));
    budget.charge({ events: budget.eventsMax - 1, overran: false });
    expect(budget.stoppedBy).toBeUndefined();
    budget.charge({ events: 1, overran: false });
    expect(budget.stoppedBy).toBe('events');
    expect(budget.eventsSpent).toBe(budget.eventsMax);
  });

  it('a candidate stopped by its wall-time guard, or the outer guard, stops the search as `time`', () => {
    const overran = new ShrinkBudget({});
    overran.recordOriginal(100, 0);
    overran.charge({ events: 0, overran: true });
    expect(overran.stoppedBy).toBe('time');

    let now = 0;
    const guarded = new ShrinkBudget({ now: () => now, timeLimitMs: 60_000 });
    guarded.recordOriginal(100, 5);
    expect(guarded.stoppedBy).toBeUndefined();
    now = 59_000;
    expect(guarded.next().timeoutMs).toBe(1_000); // never past the outer guard
    now = 1_000;
    expect(guarded.next().timeoutMs).toBe(59_000);
    now = 60_000;
    expect(guarded.stoppedBy).toBe('time');
    now = 0; // once stopped by time, it stays stopped
    expect(guarded.stoppedBy).toBe('time');
  });
});
