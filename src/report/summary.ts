/**
 * @module report/summary
 * The campaign summary: counts, every violation with what reproduces it, and stats totals.
 * It is what `syncstorm … --json` prints and what `summary.json` holds.
 */
import type { Leak } from '../kernel/leaks.ts';
import { addFaults } from '../sim/exercised.ts';
import { type RunResult, type RunStats, zeroStats } from '../sim/result.ts';
import { commonValue, missingExpected, type ReportOptions, reproOf, runStatus } from './runs.ts';

/** Version of the summary format; bump it on an incompatible change. */
export const SUMMARY_FORMAT_VERSION = 1;

export interface SummaryViolation {
  name: string;
  seed: string;
  client: string;
  /** The server slot the run used, when it named one (`--server`, a scenario's `server`). */
  server?: string;
  profile: string;
  invariant: string;
  message: string;
  /** `missing`: the scenario expected this invariant to fail and it held. */
  kind: 'violation' | 'missing';
  /**
   * The run expected this invariant to fail (its scenario's `expect.violations`): such a
   * violation does not fail the run (a run that met its expectations lists them too).
   */
  expected: boolean;
  /** Scenario file that reproduces the run, or null when none is known. */
  repro: string | null;
  /** Steps in that scenario, or null. */
  steps: number | null;
  traceHash: string;
  device?: string;
  recordId?: string;
  /** Report files of this run, relative to the report folder (set by the writer). */
  trace?: string;
  diagram?: string;
}

/** A run whose client threw or hung, or that hit a bound. */
export interface SummaryError {
  name: string;
  seed: string;
  client: string;
  profile: string;
  errors: string[];
  repro: string | null;
  traceHash: string;
  trace?: string;
  diagram?: string;
}

/** Real time or randomness a run's devices used (the leak tripwire, docs/virtual-time.md). */
export interface SummaryLeak extends Leak {
  name: string;
  seed: string;
}

/** RunStats summed over the runs, plus the slowest convergence. */
export interface StatsTotals extends RunStats {
  convergeMsMax: number;
}

export interface ReportSummary {
  tool: 'syncstorm';
  format: number;
  runId?: string;
  startedAt?: string;
  client: string;
  profile: string;
  runs: number;
  seeds: number;
  passed: number;
  failed: number;
  errors: number;
  declaredLosses: number;
  violations: SummaryViolation[];
  errorRuns: SummaryError[];
  /** Present only when some run leaked real time or randomness. */
  leaks?: SummaryLeak[];
  stats: StatsTotals;
  /** Fault injections per kind over all runs (what the runs were exercised against). */
  faults: Record<string, number>;
  /** Report folders merged into this one (set by merge). */
  mergedFrom?: string[];
}

export function emptyStats(): StatsTotals {
  return { ...zeroStats(), convergeMsMax: 0 };
}

/** Adds `stats` into `totals` (in place); unknown or non-numeric fields are ignored. */
export function addStats(totals: StatsTotals, stats: Partial<StatsTotals>): void {
  for (const key of Object.keys(totals) as (keyof StatsTotals)[]) {
    const value = stats[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    totals[key] = key === 'convergeMsMax' ? Math.max(totals[key], value) : totals[key] + value;
  }
}

function violationsOf(result: RunResult, options: ReportOptions): SummaryViolation[] {
  const status = runStatus(result);
  const repro = reproOf(result, options);
  const base = {
    name: result.name,
    seed: result.seed,
    client: result.client,
    ...(result.server !== undefined ? { server: result.server } : {}),
    profile: result.profile,
    repro: repro?.path ?? null,
    steps: repro?.steps ?? null,
    traceHash: result.traceHash,
  };
  const found: SummaryViolation[] = result.violations.map((violation) => ({
    ...base,
    invariant: violation.invariant,
    message: violation.message,
    kind: 'violation',
    expected: result.expectedViolations.includes(violation.invariant),
    ...(violation.device === undefined ? {} : { device: violation.device }),
    ...(violation.recordId === undefined ? {} : { recordId: violation.recordId }),
  }));
  // A run stopped by an error may have missed its expected violation for that reason alone.
  for (const invariant of status === 'failed' ? missingExpected(result) : []) {
    const message = `expected violation of ${invariant} did not occur`;
    found.push({ ...base, invariant, message, kind: 'missing', expected: true });
  }
  return found;
}

function errorOf(result: RunResult, options: ReportOptions): SummaryError {
  return {
    name: result.name,
    seed: result.seed,
    client: result.client,
    profile: result.profile,
    errors: [...result.errors],
    repro: reproOf(result, options)?.path ?? null,
    traceHash: result.traceHash,
  };
}

/** The summary of a campaign's results, in the order given. */
export function buildSummary(results: readonly RunResult[], options: ReportOptions = {}): ReportSummary {
  const stats = emptyStats();
  const summary: ReportSummary = {
    tool: 'syncstorm',
    format: SUMMARY_FORMAT_VERSION,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
    client: options.client ?? commonValue(results, 'client'),
    profile: options.profile ?? commonValue(results, 'profile'),
    runs: results.length,
    seeds: new Set(results.map((result) => result.seed)).size,
    passed: 0,
    failed: 0,
    errors: 0,
    declaredLosses: 0,
    violations: [],
    errorRuns: [],
    stats,
    faults: {},
  };
  for (const result of results) {
    const status = runStatus(result);
    if (status === 'passed') summary.passed += 1;
    if (status === 'failed') summary.failed += 1;
    if (status === 'error') summary.errors += 1;
    if (status === 'error') summary.errorRuns.push(errorOf(result, options));
    summary.violations.push(...violationsOf(result, options));
    summary.declaredLosses += result.declaredLosses;
    addStats(stats, { ...result.stats, convergeMsMax: result.stats.convergeMs });
    addFaults(summary.faults, result.faults);
    for (const leak of result.leaks ?? [])
      (summary.leaks ??= []).push({ name: result.name, seed: result.seed, ...leak });
  }
  return summary;
}

/** summary.json: the summary, pretty-printed, ending with a newline. */
export function renderSummary(summary: ReportSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
