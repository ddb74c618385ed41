/**
 * @module scenario/shrink-budget
 * Bounds on the shrinker's candidate runs. The first run (the original failing plan) sets
 * the scale: how many scheduler events it took and how long. Each later candidate may take
 * a few times those events over the whole run, chaos and heal (a run that does not reach
 * the bound is exactly the run without it), and a few times that wall time, never more
 * than what is left of the time limit. A candidate far costlier than the original (a
 * mutant caught in a retry storm once the noise is gone) is cut short and counts as not
 * failing, so the search keeps to its limit. The event bound is the one that normally
 * acts: it is deterministic and stops the run inside its process; the wall-time bound is
 * for a client that hangs, and costs a process restart.
 */

export interface ShrinkBudgetOptions {
  /** Real-time source (ms); without one, only the fixed per-run limits apply. */
  now?: () => number;
  /** Bound on the whole shrink, the original's run included. */
  timeLimitMs?: number;
}

export interface CandidateLimits {
  /** Wall time the run may take before it is stopped. */
  timeoutMs: number;
  /** Bound on the run's scheduler events (chaos, heal and all). */
  eventsMax?: number;
}

/** Wall time the original may take (the campaign's own limit per seed). */
export const ORIGINAL_TIMEOUT_MS = 120_000;
/** Wall time a candidate may take without a clock to scale it. */
export const CANDIDATE_TIMEOUT_MS_FIXED = 60_000;
/** Floor and factor of a candidate's wall time, relative to the original's. */
export const CANDIDATE_TIMEOUT_MS_MIN = 2_000;
export const CANDIDATE_TIMEOUT_FACTOR = 2;
/** Factor and slack of a candidate's events, relative to the original's. */
export const CANDIDATE_EVENTS_FACTOR = 3;
export const CANDIDATE_EVENTS_SLACK = 3_000;

export class ShrinkBudget {
  private readonly startMs: number;
  private original: { events: number; wallMs: number } | undefined;

  constructor(private readonly options: ShrinkBudgetOptions) {
    this.startMs = options.now?.() ?? 0;
  }

  private remainingMs(): number {
    const { now, timeLimitMs } = this.options;
    if (now === undefined || timeLimitMs === undefined) return Number.POSITIVE_INFINITY;
    return timeLimitMs - (now() - this.startMs);
  }

  /**
   * True once no further candidate fits in the time limit, keeping back the time of one
   * original run: the repro is run once more when the search ends, inside the limit.
   */
  get expired(): boolean {
    if (this.original === undefined) return false;
    return this.remainingMs() < CANDIDATE_TIMEOUT_MS_MIN + this.original.wallMs;
  }

  /** Limits for the next run; the first run is the original's. */
  next(): CandidateLimits {
    if (this.original === undefined)
      return { timeoutMs: Math.min(ORIGINAL_TIMEOUT_MS, Math.max(this.remainingMs(), CANDIDATE_TIMEOUT_MS_MIN)) };
    const scaled =
      this.options.now === undefined
        ? CANDIDATE_TIMEOUT_MS_FIXED
        : Math.max(CANDIDATE_TIMEOUT_MS_MIN, CANDIDATE_TIMEOUT_FACTOR * this.original.wallMs);
    return {
      timeoutMs: Math.max(1, Math.min(scaled, this.remainingMs())),
      eventsMax: CANDIDATE_EVENTS_FACTOR * this.original.events + CANDIDATE_EVENTS_SLACK,
    };
  }

  /** Records a completed run (the first one sets the scale). */
  record(events: number, wallMs: number): void {
    if (this.original === undefined) this.original = { events, wallMs };
  }
}
