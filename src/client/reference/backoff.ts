/**
 * @module client/reference/backoff
 * How long to wait after a failed attempt: the server's Retry-After when it gave one (plus
 * up to 10% jitter, never less), otherwise capped exponential backoff with equal jitter
 * (half fixed, half drawn from `env.random`), so devices that failed together do not retry
 * together and no device waits less than half the nominal delay.
 */
import type { Timing } from './options.ts';

/** Why a run stopped in a way worth retrying later. */
export type RetryableFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'unavailable'; status: number; retryAfterMs?: number }
  | { kind: 'network'; code: string }
  | { kind: 'unauthorized' };

/** Retry-After jitter, as a fraction of the asked delay. */
export const RETRY_AFTER_JITTER = 0.1;

/** Exponent bound, so 2^n never overflows whatever the failure count. */
const EXPONENT_MAX = 30;

/** Delay before the next attempt after `failures` consecutive failures (>= 1). */
export function backoffDelayMs(
  failure: RetryableFailure,
  failures: number,
  timing: Timing,
  random: () => number,
): number {
  if (failure.kind === 'rate-limited') {
    return Math.ceil(failure.retryAfterMs * (1 + RETRY_AFTER_JITTER * random()));
  }
  const exponent = Math.min(EXPONENT_MAX, Math.max(0, failures - 1));
  const nominal = Math.min(timing.backoffCapMs, timing.backoffBaseMs * 2 ** exponent);
  const delay = Math.ceil(nominal / 2 + (nominal / 2) * random());
  const asked = failure.kind === 'unavailable' ? (failure.retryAfterMs ?? 0) : 0;
  return Math.max(delay, asked);
}
