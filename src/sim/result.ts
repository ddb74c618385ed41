/**
 * @module sim/result
 * What one simulation run hands back: the verdict as data, its fingerprint, and numbers.
 */
import type { Leak } from '../kernel/leaks.ts';
import type { TraceEvent } from '../kernel/trace.ts';

/** A violation as the checkers report it (kept structurally equal to check's Violation). */
export interface RunViolation {
  invariant: string;
  message: string;
  /** Trace seqs of the events that witness it. */
  events: number[];
  expected?: unknown;
  actual?: unknown;
  device?: string;
  recordId?: string;
}

export interface RunStats {
  devices: number;
  /** Scheduler events taken. */
  events: number;
  /** HTTP exchanges the network carried (duplicates included), up to convergence: the watch after it (sim/quiet.ts) is not counted. */
  exchanges: number;
  requestBytes: number;
  responseBytes: number;
  /** Ops the server applied (replays excluded). */
  opsApplied: number;
  conflicts: number;
  /** Device kills (sim/exercised.ts). */
  kills: number;
  /** Virtual milliseconds simulated. */
  virtualMs: number;
  /** Virtual ms from the start of heal until every device converged (or the heal bound). */
  convergeMs: number;
  /** Real milliseconds the run took (measured outside the simulated world). */
  wallMs: number;
  traceEvents: number;
}

export interface RunResult {
  /** Scenario name, or `seed-<seed>` for a drawn run. */
  name: string;
  seed: string;
  client: string;
  /** The server slot's spec, when the run named one ('mutant:<name>', a module path). */
  server?: string;
  profile: string;
  traceHash: string;
  /** True when the outcome matched what was expected (no violation, or exactly the expected ones). */
  passed: boolean;
  violations: RunViolation[];
  declaredLosses: number;
  /** Fault injections per kind (sim/exercised.ts); absent when none. */
  faults?: Record<string, number>;
  /** Invariants the scenario expected to fail; empty when all must hold. */
  expectedViolations: string[];
  /** A client that threw or hung, or a run that hit a bound: reported, not a crash. */
  errors: string[];
  stats: RunStats;
  /** Real time or randomness the devices' code used (the leak tripwire); absent when none. */
  leaks?: Leak[];
  /** The trace, kept when asked (for failures and reports). */
  trace?: readonly TraceEvent[];
}

/** Who a run was, for a result made without a run (its worker died or overran). */
export interface RunIdentity {
  name: string;
  seed: string;
  client: string;
  profile: string;
  devices: number;
  expectedViolations?: string[];
}

/** A failed result for a run that never handed one back; `reason` says why, `kind` names the client error. */
export function failedRunResult(identity: RunIdentity, reason: string, kind = 'client-error'): RunResult {
  return {
    name: identity.name,
    seed: identity.seed,
    client: identity.client,
    profile: identity.profile,
    traceHash: '',
    passed: false,
    violations: [{ invariant: kind, message: reason, events: [] }],
    declaredLosses: 0,
    expectedViolations: identity.expectedViolations ?? [],
    errors: [reason],
    stats: zeroStats(identity.devices),
  };
}

/** Numbers of a run that did nothing (or of which nothing is known). */
export function zeroStats(devices = 0): RunStats {
  return {
    devices,
    events: 0,
    exchanges: 0,
    requestBytes: 0,
    responseBytes: 0,
    opsApplied: 0,
    conflicts: 0,
    kills: 0,
    virtualMs: 0,
    convergeMs: 0,
    wallMs: 0,
    traceEvents: 0,
  };
}
