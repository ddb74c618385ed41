/**
 * @module client/reference/autosync
 * When the client syncs on its own: shortly after local writes (debounced), as soon as the
 * OS reports the device online again, on a timer while the app is in the foreground, and
 * when a failed run's retry delay is over. While the OS reports the device offline nothing
 * is tried (the `online` event restarts it); a lying OS costs failed attempts and backoff.
 */
import type { TimerId } from '../../kernel/clock.ts';
import type { ClientEnv } from '../contract.ts';
import type { ResolvedOptions } from './options.ts';

export type SyncTrigger = 'start' | 'write' | 'online' | 'foreground' | 'timer' | 'retry' | 'continue' | 'user';

export class AutoSync {
  private debounceTimer: TimerId | undefined;
  private retryTimer: TimerId | undefined;
  private intervalTimer: TimerId | undefined;

  constructor(
    private readonly env: ClientEnv,
    private readonly options: ResolvedOptions,
    private readonly run: (trigger: SyncTrigger) => void,
  ) {}

  start(): void {
    const { surroundings } = this.env;
    // Listeners live as long as this instance (a kill drops them with it).
    if (this.options.syncOnReconnect) surroundings.on('online', () => this.fire('online'));
    surroundings.on('foreground', () => this.onForeground());
    surroundings.on('background', () => this.stopInterval());
    if (surroundings.foreground) this.startInterval();
    this.soon('start', 0);
  }

  /** A local write happened: sync once writes have paused for `debounceMs`. */
  afterWrite(): void {
    this.soon('write', this.options.timing.debounceMs);
  }

  /** Another run is wanted right after this one (the run's bound was reached). */
  continueSoon(): void {
    this.soon('continue', this.options.timing.debounceMs);
  }

  /** The last run failed: try again after `delayMs` (replaces an earlier retry). */
  retryAfter(delayMs: number): void {
    this.env.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.env.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.fire('retry');
    }, delayMs);
  }

  private soon(trigger: SyncTrigger, delayMs: number): void {
    this.env.clock.clearTimeout(this.debounceTimer);
    this.debounceTimer = this.env.clock.setTimeout(() => {
      this.debounceTimer = undefined;
      this.fire(trigger);
    }, delayMs);
  }

  private fire(trigger: SyncTrigger): void {
    if (!this.env.surroundings.online) return;
    this.run(trigger);
  }

  private onForeground(): void {
    this.startInterval();
    this.fire('foreground');
  }

  private startInterval(): void {
    const period = this.options.timing.foregroundIntervalMs;
    if (period <= 0 || this.intervalTimer !== undefined) return;
    this.intervalTimer = this.env.clock.setTimeout(() => {
      this.intervalTimer = undefined;
      this.startInterval();
      this.fire('timer');
    }, period);
  }

  private stopInterval(): void {
    this.env.clock.clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
  }
}
