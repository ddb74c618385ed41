/**
 * @module check/invariants/polite-retries
 * Clients are polite to a struggling server: after a 429 they leave the route alone for the
 * Retry-After they were given; after a 5xx or a failed connection they wait at least
 * RETRY_GAP_MS_MIN before trying the same request again; and no Idempotency-Key is answered
 * by the server more than RETRY_COUNT_MAX times. A device coming back (restart, online,
 * a new phase) or a user pulling to refresh is a fresh start. See docs/invariants.md.
 */
import type { DeviceHistory, History, NetSend } from '../history.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** A retry of the same request sooner than this after its failure is impolite. */
export const RETRY_GAP_MS_MIN = 100;

/** Sends of one Idempotency-Key the server may answer; more is a retry storm. */
export const RETRY_COUNT_MAX = 20;

/** 429 without a Retry-After: wait at least this long. */
export const RETRY_AFTER_MS_DEFAULT = RETRY_GAP_MS_MIN;

interface Moment {
  t: number;
  seq: number;
}

type TimelineEntry =
  | { kind: 'send'; seq: number; t: number; send: NetSend }
  | { kind: 'receive'; seq: number; t: number; requestId: string; status: number; retryAfterMs: number | undefined }
  | { kind: 'fail'; seq: number; t: number; requestId: string }
  | { kind: 'fresh-start'; seq: number; t: number };

function routeOf(path: string): string {
  const query = path.search(/[?#]/);
  return query === -1 ? path : path.slice(0, query);
}

/** The identity of "the same request": its Idempotency-Key, or its method and route. */
function retryKeyOf(send: NetSend): string {
  return send.key ?? `${send.method} ${routeOf(send.path)}`;
}

function timeline(history: History, device: DeviceHistory): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const send of device.sends) entries.push({ kind: 'send', seq: send.seq, t: send.t, send });
  for (const receive of device.receives) {
    const { seq, t, status, retryAfterMs } = receive;
    entries.push({ kind: 'receive', seq, t, requestId: String(receive.requestId), status, retryAfterMs });
  }
  for (const fail of device.fails)
    entries.push({ kind: 'fail', seq: fail.seq, t: fail.t, requestId: String(fail.requestId) });
  const fresh = [
    ...device.kills,
    ...device.restarts,
    ...device.steps,
    ...device.calls.filter((call) => call.action === 'sync'),
    ...history.phases,
  ];
  for (const event of fresh) entries.push({ kind: 'fresh-start', seq: event.seq, t: event.t });
  return entries.sort((a, b) => a.seq - b.seq);
}

class DeviceCheck {
  readonly violations: Violation[] = [];
  private readonly requests = new Map<string, NetSend>();
  private readonly retryAfter = new Map<string, Moment & { until: number; ms: number }>();
  private readonly failures = new Map<string, Moment>();
  private readonly answered = new Map<string, number[]>();

  constructor(private readonly device: string) {}

  run(entries: readonly TimelineEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'fresh-start') {
        this.retryAfter.clear();
        this.failures.clear();
      } else if (entry.kind === 'send') this.send(entry.send);
      else if (entry.kind === 'fail') this.fail(entry.requestId, entry);
      else this.receive(entry);
    }
    for (const [key, seqs] of this.answered) {
      if (seqs.length <= RETRY_COUNT_MAX) continue;
      const message = `${this.device} sent the op with Idempotency-Key ${key} ${seqs.length} times that the server answered (bound ${RETRY_COUNT_MAX})`;
      this.add(message, seqs.slice(0, RETRY_COUNT_MAX + 1), `<= ${RETRY_COUNT_MAX}`, seqs.length);
    }
  }

  private add(message: string, events: number[], expected: unknown, actual: unknown): void {
    this.violations.push(violation('polite-retries', message, events, { device: this.device, expected, actual }));
  }

  private send(send: NetSend): void {
    this.requests.set(String(send.requestId), send);
    const route = routeOf(send.path);
    const limit = this.retryAfter.get(route);
    if (limit !== undefined && send.t < limit.until) {
      const message = `${this.device} sent ${send.method} ${route} ${send.t - limit.t} ms after a 429 that asked for ${limit.ms} ms (seq ${limit.seq})`;
      this.add(message, [limit.seq, send.seq], `>= ${limit.ms} ms`, `${send.t - limit.t} ms`);
      this.retryAfter.delete(route);
    }
    const retryKey = retryKeyOf(send);
    const failure = this.failures.get(retryKey);
    this.failures.delete(retryKey);
    if (failure !== undefined && send.t - failure.t < RETRY_GAP_MS_MIN) {
      const message = `${this.device} retried ${retryKey} ${send.t - failure.t} ms after it failed (seq ${failure.seq}); the least backoff is ${RETRY_GAP_MS_MIN} ms`;
      this.add(message, [failure.seq, send.seq], `>= ${RETRY_GAP_MS_MIN} ms`, `${send.t - failure.t} ms`);
    }
  }

  private fail(requestId: string, moment: Moment): void {
    const send = this.requests.get(requestId);
    if (send !== undefined) this.failures.set(retryKeyOf(send), { t: moment.t, seq: moment.seq });
  }

  private receive(entry: Extract<TimelineEntry, { kind: 'receive' }>): void {
    const send = this.requests.get(entry.requestId);
    if (send === undefined) return;
    const retryKey = retryKeyOf(send);
    if (send.key !== undefined) {
      const seqs = this.answered.get(send.key) ?? [];
      seqs.push(send.seq);
      this.answered.set(send.key, seqs);
    }
    if (entry.status === 429) {
      const ms = entry.retryAfterMs ?? RETRY_AFTER_MS_DEFAULT;
      this.retryAfter.set(routeOf(send.path), { t: entry.t, seq: entry.seq, until: entry.t + ms, ms });
    }
    if (entry.status >= 500) this.failures.set(retryKey, { t: entry.t, seq: entry.seq });
    else this.failures.delete(retryKey);
  }
}

export const checkPoliteRetries: Checker = (history) =>
  [...history.byDevice.values()].flatMap((device) => {
    const check = new DeviceCheck(device.device);
    check.run(timeline(history, device));
    return check.violations;
  });
