/**
 * @module scenario/shrink-budget
 * Bounds on the shrinker, in counts, so that a repro is a function of (syncstorm version,
 * client, seed, flags) on any machine at any load. The first run (the original failing
 * plan) sets the scale: how many scheduler events it took. Each later candidate may take
 * a few times those events over the whole run, chaos and heal (a run that does not reach
 * the bound is exactly the run without it; one that reaches it stops inside its process
 * and counts as not failing). The search as a whole may make CANDIDATE_RUNS_MAX candidate
 * runs and spend SHRINK_EVENTS_FACTOR times the original's events; both are counted in the
 * order the search consumes its answers, so the same plan always stops at the same
 * candidate.
 * Wall time is only an outer guard, far above a normal shrink: the whole shrink has one
 * (`--shrink-time-limit`), and each candidate one for a client that hangs. When either
 * fires, the search stops where it is, says so, and keeps the best repro so far: this is
 * the one case where the result depends on the machine, and it is reported, never silent.
 */

export interface ShrinkBudgetOptions {
  /** Real-time source (ms); without one, only the counts and the fixed per-run guards apply. */
  now?: () => number;
  /** Outer guard on the whole shrink, wall ms. */
  timeLimitMs?: number;
  /** Wall ms the original's re-run may take (the campaign's limit per run). */
  originalTimeLimitMs?: number;
  /** Bound on candidate runs, the original's included. */
  runsMax?: number;
}

export interface CandidateLimits {
  /** Wall time the run may take before it is stopped (an outer guard). */
  timeoutMs: number;
  /** Bound on the run's scheduler events (chaos, heal and all). */
  eventsMax?: number;
}

/** What one consumed candidate cost, as the search saw it. */
export interface CandidateCost {
  /** Scheduler events the run took (0 when it did not run to an end). */
  events: number;
  /** The run was stopped by a wall-time guard: its answer says nothing. */
  overran: boolean;
}

/** Why the search stopped before it ran out of candidates. */
export type ShrinkStop = 'runs' | 'events' | 'time';

/**
 * Wall time the original's re-run (and a repro's confirmation run) may take: a hang guard,
 * far above a normal run even on a machine loaded many times over (issue 19 measured runs
 * of over 120 s beside two CPU hogs at a load average of 47).
 */
export const ORIGINAL_TIMEOUT_MS = 600_000;
/** Outer guard on one candidate: never less than this, ms. */
export const CANDIDATE_TIMEOUT_MS_MIN = 600_000;
/** Outer guard on one candidate, relative to the original's wall time. */
export const CANDIDATE_TIMEOUT_FACTOR = 20;
/** Factor and slack of a candidate's events, relative to the original's. */
export const CANDIDATE_EVENTS_FACTOR = 3;
export const CANDIDATE_EVENTS_SLACK = 3_000;
/** Candidate runs one shrink may make, the original's included. */
export const CANDIDATE_RUNS_MAX = 600;
/** Scheduler events one shrink may spend on candidates, relative to the original's (plus a floor). */
export const SHRINK_EVENTS_FACTOR = 150;
export const SHRINK_EVENTS_MIN = 3_000_000;
/** Outer guard on shrinking one failure, ms (`--shrink-time-limit`): far above a normal shrink. */
export const SHRINK_TIME_LIMIT_MS_DEFAULT = 1_200_000;

export class ShrinkBudget {
  private readonly startMs: number;
  private original: { events: number; wallMs: number } | undefined;
  private runs = 0;
  private events = 0;
  private stop: ShrinkStop | undefined;

  constructor(private readonly options: ShrinkBudgetOptions) {
    this.startMs = options.now?.() ?? 0;
  }

  private remainingMs(): number {
    const { now, timeLimitMs } = this.options;
    if (now === undefined || timeLimitMs === undefined) return Number.POSITIVE_INFINITY;
    return timeLimitMs - (now() - this.startMs);
  }

  /** Candidate runs consumed so far, the original's included. */
  get runsSpent(): number {
    return this.runs;
  }

  /** Events consumed by candidates so far (the original's not included). */
  get eventsSpent(): number {
    return this.events;
  }

  /** Bound on the events of all candidates together (known once the original ran). */
  get eventsMax(): number {
    const original = this.original?.events ?? 0;
    return Math.max(SHRINK_EVENTS_MIN, SHRINK_EVENTS_FACTOR * original);
  }

  /** Why no further candidate may run, or undefined while one may. */
  get stoppedBy(): ShrinkStop | undefined {
    if (this.stop !== undefined) return this.stop;
    if (this.original === undefined) return undefined;
    if (this.runs >= (this.options.runsMax ?? CANDIDATE_RUNS_MAX)) return 'runs';
    if (this.events >= this.eventsMax) return 'events';
    if (this.remainingMs() <= 0) this.stop = 'time';
    return this.stop;
  }

  /** Limits for the next run; the first run is the original's. */
  next(): CandidateLimits {
    const remaining = Math.max(1, this.remainingMs());
    if (this.original === undefined)
      return { timeoutMs: Math.min(this.options.originalTimeLimitMs ?? ORIGINAL_TIMEOUT_MS, remaining) };
    const guard = Math.max(CANDIDATE_TIMEOUT_MS_MIN, CANDIDATE_TIMEOUT_FACTOR * this.original.wallMs);
    return {
      timeoutMs: Math.min(guard, remaining),
      eventsMax: CANDIDATE_EVENTS_FACTOR * this.original.events + CANDIDATE_EVENTS_SLACK,
    };
  }

  /** Records the original's run, which sets the scale. */
  recordOriginal(events: number, wallMs: number): void {
    if (this.original === undefined) this.original = { events, wallMs };
  }

  /**
   * Charges one run the search consumed (in its order, so the count is deterministic). A run
   * stopped by a wall-time guard stops the search: its answer would depend on the machine.
   */
  charge(cost: CandidateCost): void {
    this.runs += 1;
    this.events += cost.events;
    if (cost.overran) this.stop = 'time';
  }
}
