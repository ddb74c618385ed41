/**
 * @module kernel/clock
 * A device's view of virtual time: wall-clock `now()` (epoch ms, possibly skewed),
 * `setTimeout`/`clearTimeout` and `sleep`, all owned by one incarnation so that a kill
 * cancels every pending timer of the dead instance.
 */
import { assert } from './assert.ts';
import type { Incarnation } from './incarnation.ts';
import type { EventHandle, Scheduler } from './scheduler.ts';

/** Virtual time 0 is 2026-01-01T00:00:00Z on every clock without skew. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Bound on live timers per device; a client that leaks timers fails loudly. */
export const TIMERS_PER_DEVICE_MAX = 10_000;

export type TimerId = number;

export interface Clock {
  /** Epoch milliseconds as this device's (possibly skewed) clock reads them. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
  /** Resolves after `delayMs` of virtual time; rejects with an AbortError if `signal` fires. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

export interface DeviceClockOptions {
  scheduler: Scheduler;
  owner: Incarnation;
  /** Added to the true virtual time by `now()` (a wrong device clock). Timers are unaffected. */
  skewMs?: number;
  /** Runs each timer callback (DeviceHost runs it as the device's code); default: a plain call. */
  run?: (callback: () => void) => void;
}

export function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}

export class DeviceClock implements Clock {
  private readonly timers = new Map<TimerId, EventHandle>();
  private timerIdNext = 1;
  skewMs: number;

  constructor(private readonly options: DeviceClockOptions) {
    this.skewMs = options.skewMs ?? 0;
  }

  now(): number {
    return VIRTUAL_EPOCH_MS + this.options.scheduler.now() + this.skewMs;
  }

  /** Virtual ms since the start of the simulation, unskewed (a monotonic clock). */
  elapsed(): number {
    return this.options.scheduler.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerId {
    // A killed incarnation's code may still run to its next await; its timers never fire.
    if (!this.options.owner.alive) return this.timerIdNext++;
    assert(
      this.timers.size < TIMERS_PER_DEVICE_MAX,
      `device ${this.options.owner.deviceId} has ${TIMERS_PER_DEVICE_MAX} live timers`,
    );
    const id = this.timerIdNext++;
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const handle = this.options.scheduler.after(
      delay,
      `timer:${this.options.owner.deviceId}`,
      () => {
        this.timers.delete(id);
        const run = this.options.run;
        if (run === undefined) callback();
        else run(callback);
      },
      this.options.owner,
    );
    this.timers.set(id, handle);
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id === undefined) return;
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    this.options.scheduler.cancel(handle);
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

  /** Timers still pending (for leak reports). */
  get liveTimers(): number {
    return this.timers.size;
  }
}
