/**
 * @module realnet/pump
 * Keeps a Scheduler's virtual time on a real-time timeline, so a server built for virtual
 * time can serve real HTTP: on every tick the pump runs the scheduler's due events (a
 * long-poll's timeout, a `slow` fault's hold, ...) and moves virtual time up to run time.
 * Requests that arrive between ticks see virtual time at most one tick behind.
 */
import type { Scheduler } from '../kernel/scheduler.ts';
import type { RunTimeline } from './timeline.ts';

export const PUMP_TICK_MS_DEFAULT = 5;
/** Bound on events one tick runs; a server that schedules more is in a loop. */
export const PUMP_EVENTS_PER_TICK_MAX = 100_000;

export interface PumpOptions {
  tickMs?: number;
  /** An event callback threw; default: rethrown on the next tick's caller (reported, pump stops). */
  onError?: (error: unknown) => void;
}

export class SchedulerPump {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly timeline: RunTimeline,
    private readonly options: PumpOptions = {},
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? PUMP_TICK_MS_DEFAULT);
    this.timer.unref();
  }

  /** Runs every event due by now and moves virtual time to now. Ticks never overlap. */
  tick(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.catchUp().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async catchUp(): Promise<void> {
    const target = this.timeline.now();
    if (target <= this.scheduler.now() && this.scheduler.pending === 0) return;
    try {
      const result = await this.scheduler.run({ until: target, eventsMax: PUMP_EVENTS_PER_TICK_MAX });
      if (result.stoppedBy === 'idle' || result.stoppedBy === 'until') this.advance(target);
    } catch (error) {
      if (this.options.onError === undefined) throw error;
      this.options.onError(error);
    }
  }

  /** A request handled since the run returned may have scheduled an earlier event: the next tick runs it. */
  private advance(target: number): void {
    try {
      this.scheduler.advanceTo(target);
    } catch {
      // Left for the next tick.
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
