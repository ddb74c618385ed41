/**
 * @module realnet/real-clock
 * A device's Clock over real time (the ClientEnv of a real-network run): `now()` is the
 * run's epoch plus run time, timers are real timers scaled by the timeline's speed. A timer
 * never fires early (Node's timers may fire a millisecond before their due time; such a
 * timer is armed again for the rest), and `dispose()` cancels every pending timer and
 * silences later ones, which is what a device shutdown needs.
 */
import { assert } from '../kernel/assert.ts';
import { abortError, type Clock, TIMERS_PER_DEVICE_MAX, type TimerId, VIRTUAL_EPOCH_MS } from '../kernel/clock.ts';
import type { RunTimeline } from './timeline.ts';

export class RealClock implements Clock {
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private timerIdNext = 1;
  private disposed = false;

  constructor(
    private readonly timeline: RunTimeline,
    private readonly label = 'device',
  ) {}

  now(): number {
    return VIRTUAL_EPOCH_MS + this.timeline.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerId {
    const id = this.timerIdNext++;
    // A shut-down device's late continuations may still ask for timers: they never fire.
    if (this.disposed) return id;
    assert(this.timers.size < TIMERS_PER_DEVICE_MAX, `${this.label} has ${TIMERS_PER_DEVICE_MAX} live timers`);
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    this.arm(id, this.timeline.now() + delay, callback);
    return id;
  }

  private arm(id: TimerId, dueRunMs: number, callback: () => void): void {
    const waitRealMs = Math.max(0, this.timeline.realMs(dueRunMs - this.timeline.now()));
    const handle = setTimeout(() => {
      if (this.timeline.now() < dueRunMs) return this.arm(id, dueRunMs, callback);
      this.timers.delete(id);
      callback();
    }, Math.ceil(waitRealMs));
    this.timers.set(id, handle);
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id === undefined) return;
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(id);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        this.clearTimeout(id);
        reject(abortError());
      };
      const id = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get liveTimers(): number {
    return this.timers.size;
  }

  /** Cancels every pending timer; later timers are accepted and never fire. */
  dispose(): void {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
    this.disposed = true;
  }
}
