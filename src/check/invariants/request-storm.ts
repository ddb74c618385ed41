/**
 * @module check/invariants/request-storm
 * A client does not hammer the server with requests that cannot succeed, nor poll it in a
 * loop once there is nothing left to sync. Two bounds (docs/invariants.md, "request-storm"):
 * - a request answered with a 4xx other than 401 and 429 (the protocol's "do not retry this
 *   as it is") is sent again unchanged (same method, path, query and Idempotency-Key) at most
 *   REFUSED_REPEATS_MAX times in a row; any other answer to it ends the row;
 * - after every device converged (`sim.quiet`), a device sends at most
 *   QUIET_REQUESTS_MAX requests in the watch that follows.
 */
import type { TraceEvent } from '../../kernel/trace.ts';
import type { DeviceHistory, History, NetSend } from '../history.ts';
import { type Checker, type Violation, violation } from '../violation.ts';

/** Unchanged resends of a refused request, in a row, before it is a storm. */
export const REFUSED_REPEATS_MAX = 20;

/** Requests one device may send in the watch after convergence (60 s of virtual time). */
export const QUIET_REQUESTS_MAX = 30;

/** Statuses after which a request may be sent again as it is. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([401, 429]);

function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && !RETRYABLE_4XX.has(status);
}

function identityOf(send: NetSend): string {
  const query = send.query === undefined ? '' : `?${send.query}`;
  return `${send.method} ${send.path}${query}${send.key === undefined ? '' : ` key=${send.key}`}`;
}

interface Row {
  /** The refusal, then every unchanged resend of the request since. */
  seqs: number[];
}

function refusedRepeats(device: DeviceHistory): Violation[] {
  const violations: Violation[] = [];
  const entries = [
    ...device.sends.map((send) => ({ seq: send.seq, send })),
    ...device.receives.map((receive) => ({ seq: receive.seq, receive })),
  ].sort((a, b) => a.seq - b.seq);
  const identities = new Map<string, string>();
  const rows = new Map<string, Row>();
  const reported = new Set<string>();
  for (const entry of entries) {
    if ('send' in entry && entry.send !== undefined) {
      const identity = identityOf(entry.send);
      identities.set(String(entry.send.requestId), identity);
      const row = rows.get(identity);
      if (row === undefined) continue;
      row.seqs.push(entry.seq);
      const repeats = row.seqs.length - 1;
      if (repeats <= REFUSED_REPEATS_MAX || reported.has(identity)) continue;
      reported.add(identity);
      const message = `${device.device} sent ${identity} more than ${REFUSED_REPEATS_MAX} times in a row, unchanged, after the server refused it (a 4xx that must not be retried as is)`;
      violations.push(
        violation('request-storm', message, row.seqs.slice(0, REFUSED_REPEATS_MAX + 2), {
          device: device.device,
          expected: `<= ${REFUSED_REPEATS_MAX}`,
          actual: repeats,
        }),
      );
    } else if ('receive' in entry && entry.receive !== undefined) {
      const identity = identities.get(String(entry.receive.requestId));
      if (identity === undefined) continue;
      const row = rows.get(identity);
      if (!isRefusal(entry.receive.status)) rows.delete(identity);
      else if (row === undefined) rows.set(identity, { seqs: [entry.seq] });
    }
  }
  return violations;
}

function quietStorms(history: History, quiet: TraceEvent): Violation[] {
  const violations: Violation[] = [];
  const end = history.phases.find((phase) => phase.phase === 'check' && phase.seq > quiet.seq)?.seq ?? Infinity;
  for (const device of history.byDevice.values()) {
    const sends = device.sends.filter((send) => send.seq > quiet.seq && send.seq < end);
    if (sends.length <= QUIET_REQUESTS_MAX) continue;
    const message = `${device.device} sent ${sends.length} requests in the ${Number(quiet.ms) / 1000} s after every device had converged (bound ${QUIET_REQUESTS_MAX}): it keeps polling with nothing to sync`;
    const events = [quiet.seq, ...sends.slice(0, QUIET_REQUESTS_MAX + 1).map((send) => send.seq)];
    violations.push(
      violation('request-storm', message, events, {
        device: device.device,
        expected: `<= ${QUIET_REQUESTS_MAX}`,
        actual: sends.length,
      }),
    );
  }
  return violations;
}

export const checkRequestStorm: Checker = (history) => {
  const quiet = history.events.find((event) => event.type === 'sim.quiet');
  return [
    ...[...history.byDevice.values()].flatMap(refusedRepeats),
    ...(quiet === undefined ? [] : quietStorms(history, quiet)),
  ];
};
