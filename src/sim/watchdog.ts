/**
 * @module sim/watchdog
 * Bounds on client calls. A client under test that throws or hangs is reported as a value
 * and the run goes on: `within` races a call against a virtual-time timer while the run
 * loop is running; `drive` steps the scheduler itself until the call settles.
 */
import { type Scheduler, settle } from '../kernel/scheduler.ts';

/** Why a call hung: real work that never came back, or the virtual-time bound. */
function hungMessage(scheduler: Scheduler, abandonedBefore: number, label: string, timeoutMs: number): string {
  const outside = scheduler.outside?.describeAbandoned(abandonedBefore);
  if (outside !== undefined) return `${label} hung: ${outside}`;
  return `${label} did not settle within ${timeoutMs} virtual ms`;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; hung: boolean };

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Races `promise` against `timeoutMs` of virtual time; needs the run loop to be running. */
export function within<T>(
  scheduler: Scheduler,
  promise: Promise<T>,
  timeoutMs: number,
  label: string,
): Promise<Outcome<T>> {
  const abandonedBefore = scheduler.outside?.abandonedCount ?? 0;
  return new Promise((resolve) => {
    let done = false;
    const timer = scheduler.after(timeoutMs, `watchdog:${label}`, () => {
      if (done) return;
      done = true;
      resolve({ ok: false, hung: true, error: hungMessage(scheduler, abandonedBefore, label, timeoutMs) });
    });
    promise.then(
      (value) => {
        if (done) return;
        done = true;
        scheduler.cancel(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        scheduler.cancel(timer);
        resolve({ ok: false, hung: false, error: describe(error) });
      },
    );
  });
}

export interface DriveOptions {
  timeoutMs: number;
  eventsMax: number;
  label: string;
}

/** Runs the scheduler until `promise` settles, `timeoutMs` of virtual time pass, or the event bound. */
export async function drive<T>(scheduler: Scheduler, promise: Promise<T>, options: DriveOptions): Promise<Outcome<T>> {
  let outcome: Outcome<T> | undefined;
  promise.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, hung: false, error: describe(error) };
    },
  );
  const abandonedBefore = scheduler.outside?.abandonedCount ?? 0;
  const deadline = scheduler.now() + options.timeoutMs;
  let events = 0;
  await settle();
  while (outcome === undefined) {
    if (events >= options.eventsMax) {
      return { ok: false, hung: true, error: `${options.label} still running after ${events} events` };
    }
    const stepped = await scheduler.step(deadline);
    if (stepped !== true) {
      await settle();
      if (outcome !== undefined) break;
      const error = hungMessage(scheduler, abandonedBefore, options.label, options.timeoutMs);
      return { ok: false, hung: true, error };
    }
    events++;
  }
  return outcome;
}
