/**
 * @module kernel/scheduler
 * Virtual time. Events sit in a binary heap ordered by (time, sequence number); the run
 * loop takes one, runs it, then lets every promise continuation it started settle (one
 * macrotask turn: better-sqlite3 is synchronous and the simulated network is made of
 * events, so nothing else is pending) before it takes the next. Between two events only
 * the continuations of the first run, which is what makes async client code deterministic.
 */
import { assert } from './assert.ts';
import { BinaryHeap } from './heap.ts';
import type { Incarnation } from './incarnation.ts';
import { REAL } from './real-time.ts'; // allowed: settle() turns the real event loop once

export interface EventHandle {
  readonly time: number;
  readonly seq: number;
  readonly label: string;
  cancelled: boolean;
}

interface ScheduledEvent extends EventHandle {
  owner: Incarnation | undefined;
  callback: () => void;
}

function cancelled(): void {}

export interface RunOptions {
  /** Hard bound on events taken by this call; exceeding it is reported, not silently cut. */
  eventsMax: number;
  /** Stop before the first event later than this virtual time. */
  until?: number;
  /** Checked after each event; stop as soon as it returns true. */
  stopWhen?: () => boolean;
}

export interface RunResult {
  events: number;
  stoppedBy: 'idle' | 'until' | 'condition' | 'events-max';
}

/**
 * Thrown by `step` once the scheduler has run its `eventsLimit`: the whole run is over
 * budget, whichever loop (a phase, a watchdog driving one call) happened to be stepping.
 */
export class EventsLimitReached extends Error {
  override name = 'EventsLimitReached';

  constructor(readonly limit: number) {
    super(`the run hit its bound of ${limit} events`);
  }
}

/** Lets every promise continuation started by the last event run (the real setImmediate). */
export function settle(): Promise<void> {
  return new Promise((resolve) => REAL.setImmediate(resolve));
}

/** Real work device code awaits (kernel/outside-waits); the scheduler lets it settle before each event. */
export interface OutsideWork {
  readonly waiting: boolean;
  settle(): Promise<void>;
  /** How many waits were given up so far (the watchdog notes it when a call begins). */
  readonly abandonedCount: number;
  /** What the waits given up since `from` were waiting on, for a hang's message; undefined: none. */
  describeAbandoned(from: number): string | undefined;
}

export class Scheduler {
  private readonly queue = new BinaryHeap<ScheduledEvent>(
    (a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq),
  );
  private time = 0;
  private seqNext = 0;
  private eventsTotal = 0;
  private running = false;
  /** Bound on the events of the whole simulation (every run loop together); unset: none. */
  eventsLimit = Number.POSITIVE_INFINITY;
  /** Real work to let settle before each event, so virtual time never moves past it. */
  outside: OutsideWork | undefined;
  /** Errors thrown by event callbacks (a client's timer that throws, say). */
  onError: (error: unknown, label: string) => void = (error) => {
    throw error;
  };

  /** Virtual milliseconds since the start of the simulation. */
  now(): number {
    return this.time;
  }

  get pending(): number {
    return this.queue.size;
  }

  get eventsRun(): number {
    return this.eventsTotal;
  }

  /** Runs `callback` at virtual time `time` (not before now), unless cancelled or its owner died. */
  at(time: number, label: string, callback: () => void, owner?: Incarnation): EventHandle {
    assert(Number.isFinite(time), `Scheduler.at(${label}): time ${time} is not finite`);
    const event: ScheduledEvent = {
      time: Math.max(time, this.time),
      seq: this.seqNext++,
      label,
      cancelled: false,
      owner,
      callback,
    };
    this.queue.push(event);
    return event;
  }

  after(delayMs: number, label: string, callback: () => void, owner?: Incarnation): EventHandle {
    assert(delayMs >= 0, `Scheduler.after(${label}): negative delay ${delayMs}`);
    return this.at(this.time + delayMs, label, callback, owner);
  }

  /**
   * A cancelled event stays in the heap until its time comes, but lets go of its callback
   * at once: a long timeout that is cancelled must not keep a whole exchange alive.
   */
  cancel(handle: EventHandle): void {
    const event = handle as ScheduledEvent;
    event.cancelled = true;
    event.callback = cancelled;
    event.owner = undefined;
  }

  /**
   * Takes the next live event and runs it (or, when device code awaits real work, only waits
   * for that). Returns false when the queue is empty; throws
   * EventsLimitReached instead of running an event beyond `eventsLimit`.
   */
  async step(until = Number.POSITIVE_INFINITY): Promise<boolean | 'until'> {
    const taken = this.take(until);
    if (taken === 'outside') {
      // Device code awaited real work: let it finish, then let the caller look again (the
      // call it drives may have settled) before any virtual time passes.
      await (this.outside as OutsideWork).settle();
      return true;
    }
    if (taken === true) await settle();
    return taken;
  }

  /**
   * The synchronous half of `step`: runs the next live event (true), or says why not.
   * `run` calls it and settles itself, one promise per event fewer than through `step`;
   * either way the next event starts only once the last one's continuations have run.
   */
  private take(until: number): boolean | 'until' | 'outside' {
    if (this.eventsTotal >= this.eventsLimit) throw new EventsLimitReached(this.eventsLimit);
    if (this.outside?.waiting) return 'outside';
    for (;;) {
      const event = this.queue.peek();
      if (event === undefined) return false;
      if (event.time > until) return 'until';
      this.queue.pop();
      if (event.cancelled) continue;
      if (event.owner !== undefined && !event.owner.alive) continue;
      assert(event.time >= this.time, 'Scheduler: time went backwards');
      this.time = event.time;
      this.eventsTotal++;
      try {
        event.callback();
      } catch (error) {
        this.onError(error, event.label);
      }
      return true;
    }
  }

  async run(options: RunOptions): Promise<RunResult> {
    assert(!this.running, 'Scheduler.run: already running (nested run loops are not allowed)');
    assert(options.eventsMax > 0, 'Scheduler.run: eventsMax must be positive');
    this.running = true;
    let events = 0;
    try {
      for (;;) {
        if (options.stopWhen?.()) return { events, stoppedBy: 'condition' };
        if (events >= options.eventsMax) return { events, stoppedBy: 'events-max' };
        const taken = this.take(options.until ?? Number.POSITIVE_INFINITY);
        if (taken === 'outside') await (this.outside as OutsideWork).settle();
        else if (taken === true) await settle();
        const stepped = taken === 'outside' ? true : taken;
        if (stepped === false) {
          // Nothing left to happen before `until`: the time passes all the same.
          if (options.until !== undefined && Number.isFinite(options.until))
            this.time = Math.max(this.time, options.until);
          return { events, stoppedBy: 'idle' };
        }
        if (stepped === 'until') {
          this.time = Math.max(this.time, options.until ?? this.time);
          return { events, stoppedBy: 'until' };
        }
        events++;
      }
    } finally {
      this.running = false;
    }
  }

  /** Advances virtual time to `time` with no event (the queue must hold nothing earlier). */
  advanceTo(time: number): void {
    const next = this.queue.peek();
    assert(next === undefined || next.time >= time, 'Scheduler.advanceTo: would skip events');
    this.time = Math.max(this.time, time);
  }
}
