/**
 * @module check/check-all
 * Runs every registered checker (or a chosen few) over one history and gathers the verdict:
 * violations in catalogue order, declared losses, and counts for the report.
 */
import type { History } from './history.ts';
import { analyzeLosses, type WriteOutcomes } from './invariants/no-silent-loss.ts';
import { INVARIANTS } from './registry.ts';
import type { DeclaredLoss, InvariantName, Violation } from './violation.ts';

export interface CheckStats {
  /** Trace events in the history, and how many of them the checkers read. */
  events: number;
  checkedEvents: number;
  devices: number;
  userWrites: number;
  serverApplies: number;
  views: number;
  kills: number;
  /** Whether the run recorded sim.final (without it, end-state invariants cannot be judged). */
  finalRecorded: boolean;
  /** How the committed written values ended (see no-silent-loss). */
  writes: WriteOutcomes;
  violationsByInvariant: Record<InvariantName, number>;
}

export interface CheckResult {
  violations: Violation[];
  declaredLosses: DeclaredLoss[];
  stats: CheckStats;
}

export interface CheckOptions {
  /** Run only these invariants (default: all). */
  only?: readonly InvariantName[];
}

export function checkAll(history: History, options: CheckOptions = {}): CheckResult {
  const selected = INVARIANTS.filter((spec) => options.only === undefined || options.only.includes(spec.name));
  const violationsByInvariant = Object.fromEntries(INVARIANTS.map((spec) => [spec.name, 0])) as Record<
    InvariantName,
    number
  >;
  const violations: Violation[] = [];
  for (const spec of selected) {
    const found = spec.check(history);
    violationsByInvariant[spec.name] = found.length;
    violations.push(...found);
  }
  const losses = analyzeLosses(history);
  const devices = [...history.byDevice.values()];
  return {
    violations,
    declaredLosses: losses.declaredLosses,
    stats: {
      events: history.events.length,
      checkedEvents: history.checked.length,
      devices: history.devices.length,
      userWrites: history.writes.length,
      serverApplies: history.applies.length,
      views: devices.reduce((total, device) => total + device.views.length, 0),
      kills: devices.reduce((total, device) => total + device.kills.length, 0),
      finalRecorded: history.final !== undefined,
      writes: losses.outcomes,
      violationsByInvariant,
    },
  };
}
