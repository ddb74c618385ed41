/**
 * @module server/long-poll
 * Holds `GET /changes?live=true` answers in virtual time. A waiter is released by the first
 * commit after which its page is non-empty, by its timeout, or by its request's abort signal.
 * Commits do not release waiters inline: one scheduler event (at the same virtual time) checks
 * them, so a batch finishes applying before any waiter looks, and the order is deterministic.
 */
import { assert } from '../kernel/assert.ts';
import type { EventHandle, Scheduler } from '../kernel/scheduler.ts';
import type { RecordStore } from './store.ts';

interface Waiter {
  ready: () => boolean;
  release: () => void;
}

/** Bound on requests held at once; more is a client polling in a loop without waiting. */
export const LONG_POLL_WAITERS_MAX = 100_000;

export class LongPoll {
  private readonly waiters = new Set<Waiter>();
  private wakePending = false;

  constructor(
    private readonly scheduler: Scheduler,
    store: RecordStore,
  ) {
    store.onCommit(() => this.scheduleWake());
  }

  get holding(): number {
    return this.waiters.size;
  }

  /** Resolves once `ready()` holds after a commit, after `timeoutMs`, or when `signal` aborts. */
  wait(ready: () => boolean, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    assert(this.waiters.size < LONG_POLL_WAITERS_MAX, `long-poll: more than ${LONG_POLL_WAITERS_MAX} waiters`);
    return new Promise((resolve) => {
      let timer: EventHandle | undefined;
      const onAbort = () => waiter.release();
      const waiter: Waiter = {
        ready,
        release: () => {
          if (!this.waiters.delete(waiter)) return;
          if (timer !== undefined) this.scheduler.cancel(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.add(waiter);
      timer = this.scheduler.after(timeoutMs, 'server:long-poll-timeout', waiter.release);
      if (signal?.aborted) waiter.release();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private scheduleWake(): void {
    if (this.waiters.size === 0 || this.wakePending) return;
    this.wakePending = true;
    this.scheduler.after(0, 'server:long-poll-wake', () => {
      this.wakePending = false;
      for (const waiter of [...this.waiters]) if (waiter.ready()) waiter.release();
    });
  }
}
