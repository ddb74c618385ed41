/**
 * @module sim/client-errors
 * The kinds of client error. A client error is a failure of the run, like a broken
 * invariant: the client under test broke its contract (a call threw or never settled, a
 * result of the wrong shape) or took down the process it ran in (it exited, crashed, ran
 * out of memory, or kept the CPU past the run's wall-time limit). Each kind is reported
 * as a violation of its own name, with the call and the message (docs/invariants.md).
 */
import type { RunViolation } from './result.ts';

export const CLIENT_ERROR_KINDS = [
  /** A call (start(), sync(), create() ...) threw or rejected. */
  'client-threw',
  /** A call did not settle within its virtual-time bound (ACTION_TIMEOUT_MS). */
  'client-hung',
  /** A call returned a value of the wrong shape (list() not a list of records ...). */
  'client-bad-result',
  /** The process running the client exited (process.exit, even with code 0). */
  'client-exited',
  /** The process running the client died of a signal or lost its channel. */
  'client-crashed',
  /** The process running the client ran out of its heap. */
  'client-out-of-memory',
  /** The run went past its wall-time limit (a client that never yields, or a run too big). */
  'client-timeout',
  /** Anything else: an error raised outside a call (a timer callback, an unhandled rejection), a run bound. */
  'client-error',
] as const;

export type ClientErrorKind = (typeof CLIENT_ERROR_KINDS)[number];

export interface ClientError {
  kind: ClientErrorKind;
  message: string;
}

export function isClientErrorKind(name: string): name is ClientErrorKind {
  return (CLIENT_ERROR_KINDS as readonly string[]).includes(name);
}

export function clientErrorViolation(error: ClientError): RunViolation {
  return { invariant: error.kind, message: error.message, events: [] };
}

/** Thrown by the simulator's reads when a client returns a value of the wrong shape. */
export class ClientBadResult extends Error {
  override name = 'ClientBadResult';
}

/** Kinds that mean the process running the client died or was stopped (no trace, nothing to shrink). */
export const PROCESS_ERROR_KINDS: readonly ClientErrorKind[] = [
  'client-exited',
  'client-crashed',
  'client-out-of-memory',
  'client-timeout',
];

/** Whether a run failed only because its process died or was stopped (so there is no run to look at). */
export function diedOnly(violations: readonly { invariant: string }[]): boolean {
  return (
    violations.length > 0 &&
    violations.every((violation) => (PROCESS_ERROR_KINDS as readonly string[]).includes(violation.invariant))
  );
}

/**
 * The client errors of one run. The same failure met again (a sync() that throws on every
 * call) is reported once, with its first call and a count, not once per call.
 */
export class ClientErrorLog {
  private readonly entries = new Map<string, { error: ClientError; count: number }>();

  /** `key` says which failures are the same one (default: kind and message). */
  add(error: ClientError, key = `${error.kind}\n${error.message}`): void {
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { error, count: 1 });
    else entry.count++;
  }

  get size(): number {
    return this.entries.size;
  }

  list(): ClientError[] {
    return [...this.entries.values()].map(({ error, count }) =>
      count === 1 ? error : { kind: error.kind, message: `${error.message} (${count} times in this run)` },
    );
  }
}
