/**
 * Goal: the shrinker's candidates are bounded relative to the original failing run, and
 * the search stops early enough to run the repro once more inside the time limit.
 * Method: a hand-driven clock.
 */
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_EVENTS_FACTOR,
  CANDIDATE_EVENTS_SLACK,
  CANDIDATE_TIMEOUT_MS_MIN,
  ORIGINAL_TIMEOUT_MS,
  ShrinkBudget,
} from '../../src/scenario/shrink-budget.ts';

describe('ShrinkBudget', () => {
  it('scales candidates on the original run and keeps one original run back at the end', () => {
    let now = 1_000;
    const budget = new ShrinkBudget({ now: () => now, timeLimitMs: 30_000 });
    expect(budget.next()).toEqual({ timeoutMs: 30_000 });
    expect(budget.expired).toBe(false);
    now += 3_000;
    budget.record(10_000, 3_000);
    budget.record(99, 1); // only the first run sets the scale
    expect(budget.next()).toEqual({
      timeoutMs: 6_000,
      eventsMax: CANDIDATE_EVENTS_FACTOR * 10_000 + CANDIDATE_EVENTS_SLACK,
    });
    now = 1_000 + 30_000 - CANDIDATE_TIMEOUT_MS_MIN - 3_000;
    expect(budget.expired).toBe(false);
    expect(budget.next().timeoutMs).toBe(CANDIDATE_TIMEOUT_MS_MIN + 3_000);
    now += 1;
    expect(budget.expired).toBe(true);
  });

  it('without a clock, only the fixed bounds apply', () => {
    const budget = new ShrinkBudget({});
    expect(budget.next()).toEqual({ timeoutMs: ORIGINAL_TIMEOUT_MS });
    budget.record(100, 0);
    expect(budget.next().eventsMax).toBe(CANDIDATE_EVENTS_FACTOR * 100 + CANDIDATE_EVENTS_SLACK);
    expect(budget.expired).toBe(false);
  });
});
