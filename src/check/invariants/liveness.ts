/**
 * @module check/invariants/liveness
 * After heal, outboxes drain within the bound and on the clients' own initiative; no op is
 * refused with 409 over and over; clients neither throw where they must not nor hang; no
 * device's downloads stay blocked through heal (stuck-downloads.ts).
 * See docs/invariants.md.
 */
import type { History } from '../history.ts';
import { type Checker, type Violation, violation } from '../violation.ts';
import { stuckDownloads } from './stuck-downloads.ts';

/** An op answered 409 more often than this is in a conflict loop (the client never merges and moves on). */
export const CONFLICTS_PER_OP_MAX = 5;

function healViolations(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const heal of history.heals) {
    const device = heal.device;
    if (!heal.drained) {
      const message = `${device} did not drain its outbox within the heal bound (${heal.rounds} manual sync round(s) used)`;
      violations.push(violation('liveness', message, [heal.seq], { device, expected: 'drained', actual: 'pending' }));
    }
    if (heal.nudged) {
      const message = `${device} had not converged on its own after heal and needed ${heal.rounds} manual sync() call(s) (lesser severity: it synced when the user pulled to refresh)`;
      violations.push(violation('liveness', message, [heal.seq], { device, expected: 'no nudge', actual: 'nudged' }));
    }
  }
  const final = history.final;
  if (final !== undefined) {
    const healed = new Set(history.heals.map((heal) => heal.device));
    for (const device of final.devices.keys()) {
      if (healed.has(device)) continue;
      const message = `${device} has no sim.heal record: whether it drained after heal is unknown`;
      violations.push(violation('liveness', message, [final.seq], { device }));
    }
  }
  return violations;
}

/** 409 answers that reached the device, per Idempotency-Key (a 409 lost on the way is no loop). */
function conflictLoops(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const device of history.byDevice.values()) {
    const keys = new Map<string, string>();
    for (const send of device.sends) if (send.key !== undefined) keys.set(String(send.requestId), send.key);
    const answers = new Map<string, number[]>();
    for (const receive of device.receives) {
      const key = keys.get(String(receive.requestId));
      if (receive.status !== 409 || key === undefined) continue;
      const seqs = answers.get(key);
      if (seqs === undefined) answers.set(key, [receive.seq]);
      else seqs.push(receive.seq);
    }
    for (const [key, seqs] of answers) {
      if (seqs.length <= CONFLICTS_PER_OP_MAX) continue;
      const message = `op ${key} from ${device.device} was answered 409 ${seqs.length} times (bound ${CONFLICTS_PER_OP_MAX}): the client resends it instead of merging`;
      violations.push(
        violation('liveness', message, seqs, {
          device: device.device,
          expected: `<= ${CONFLICTS_PER_OP_MAX}`,
          actual: seqs.length,
        }),
      );
    }
  }
  return violations;
}

function errorViolations(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const device of history.byDevice.values()) {
    for (const error of device.errors) {
      const message = `${device.device}'s client failed: ${error.message}`;
      violations.push(violation('liveness', message, [error.seq], { device: device.device }));
    }
    for (const error of device.userErrors) {
      if (error.hung !== true) continue;
      const message = `${device.device}'s ${error.action}() never settled: ${error.message}`;
      violations.push(violation('liveness', message, [error.seq], { device: device.device }));
    }
  }
  for (const error of history.strayErrors) {
    violations.push(violation('liveness', `a client failed: ${error.message}`, [error.seq]));
  }
  return violations;
}

export const checkLiveness: Checker = (history) => [
  ...healViolations(history),
  ...conflictLoops(history),
  ...errorViolations(history),
  ...stuckDownloads(history),
];
