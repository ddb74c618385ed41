/**
 * @module sim/device-call
 * An app call on a device's live client, bounded in virtual time, its outcome returned as a
 * value: a throw or a hang of the live client is reported (as `device.error`, by the host),
 * a call cut short by a kill of the device is not the client's fault.
 */
import type { SyncClient } from '../client/contract.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import { drive, within } from './watchdog.ts';

/** Default bound on one app call, in virtual ms. */
export const CALL_TIMEOUT_MS_DEFAULT = 10 * 60_000;

/** An app call's outcome, as a value. `killed`: the device died during the call (not the client's fault). */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: string; hung: boolean; killed: boolean };

export interface CallOptions {
  timeoutMs?: number;
  /** Step the scheduler until the call settles (outside a run loop); default: race a timer (inside one). */
  drive?: boolean;
  /** With `drive`: bound on events. */
  eventsMax?: number;
}

/** The device a call goes to: its incarnation and live client (undefined when down), and where errors go. */
export interface CallTarget {
  scheduler: Scheduler;
  life: Incarnation | undefined;
  client: SyncClient | undefined;
  report: (life: Incarnation, message: string) => void;
}

/** Runs `fn` on the target's client with a bound (DeviceHost.call). */
export async function callClient<T>(
  target: CallTarget,
  label: string,
  fn: (client: SyncClient) => Promise<T>,
  options: CallOptions,
): Promise<CallOutcome<T>> {
  const life = target.life;
  const client = target.client;
  if (life === undefined || client === undefined)
    return { ok: false, error: `${label}: device is down`, hung: false, killed: true };
  let promise: Promise<T>;
  try {
    promise = Promise.resolve(fn(client));
  } catch (error) {
    promise = Promise.reject(error);
  }
  const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS_DEFAULT;
  const outcome = options.drive
    ? await drive(target.scheduler, promise, { timeoutMs, eventsMax: options.eventsMax ?? 1_000_000, label })
    : await within(target.scheduler, promise, timeoutMs, label);
  if (outcome.ok) return outcome;
  const killed = !life.alive;
  if (!killed) target.report(life, `${label}: ${outcome.error}`);
  return { ...outcome, killed };
}
