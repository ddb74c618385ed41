/**
 * @module realnet/timeline
 * Run time in real mode: milliseconds since the run started, read from the monotonic real
 * clock and multiplied by `speed`. Everything in one real-network run shares one timeline:
 * the trace stamps events with it, the scheduler pump keeps the server's virtual time on it,
 * and the clients' clocks read it. `speed` > 1 runs client timers and server time faster
 * than the wall clock, so timeouts and backoffs sized for phones (tens of seconds) fit a
 * short run; the network itself (sockets, toxics) always runs in real time.
 */
import { assert } from '../kernel/assert.ts';

export const SPEED_MAX = 1_000;

export class RunTimeline {
  private readonly originMs: number;

  constructor(readonly speed = 1) {
    assert(
      Number.isFinite(speed) && speed > 0 && speed <= SPEED_MAX,
      `RunTimeline: speed ${speed} outside (0, ${SPEED_MAX}]`,
    );
    this.originMs = performance.now();
  }

  /** Whole run-time milliseconds since the start (never decreases). */
  now(): number {
    return Math.floor((performance.now() - this.originMs) * this.speed);
  }

  /** Real milliseconds that `runMs` of run time take. */
  realMs(runMs: number): number {
    return runMs / this.speed;
  }

  /** Real milliseconds since the start. */
  realElapsedMs(): number {
    return performance.now() - this.originMs;
  }
}
