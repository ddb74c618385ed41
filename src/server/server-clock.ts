/**
 * @module server/server-clock
 * Server time: VIRTUAL_EPOCH_MS + scheduler.now(). Writes are stamped with `stamp()`, which
 * is strictly increasing (bumped by 1 ms when two writes fall in the same virtual ms), so
 * `updatedAtServer` alone orders writes as the change sequence does and checkpoint paging
 * never misses a change. Only the `checkpoint-tie` fault stamps a write with an older time.
 */
import { VIRTUAL_EPOCH_MS } from '../kernel/clock.ts';
import type { Scheduler } from '../kernel/scheduler.ts';

export class ServerClock {
  private stampLast = Number.NEGATIVE_INFINITY;

  constructor(private readonly scheduler: Scheduler) {}

  /** Server epoch ms now. */
  now(): number {
    return VIRTUAL_EPOCH_MS + this.scheduler.now();
  }

  /** Virtual ms since the start of the run (fault rule windows use it). */
  elapsedMs(): number {
    return this.scheduler.now();
  }

  /** The `updatedAtServer` of a write happening now. */
  stamp(): number {
    this.stampLast = Math.max(this.now(), this.stampLast + 1);
    return this.stampLast;
  }
}
