/**
 * @module report/runs
 * What every report format needs to know about a run beyond its RunResult: its status, its
 * repro file, and the options the caller passes down to all renderers.
 */
import type { RunResult } from '../sim/result.ts';

/** The scenario file that reproduces a run, written by the fuzzer or named by the caller. */
export interface ReproRef {
  /** Path as the user should type it after `syncstorm run`. */
  path: string;
  /** Steps in that scenario (the shrunk size, for a fuzz repro). */
  steps?: number;
}

/** Options every renderer accepts; all optional. */
export interface ReportOptions {
  /** Id of this report (the folder name under reports/). */
  runId?: string;
  /** Real time the campaign started (ISO 8601); the caller reads the clock, not the renderers. */
  startedAt?: string;
  /** Overrides the client name derived from the results. */
  client?: string;
  /** Overrides the profile name derived from the results. */
  profile?: string;
  /** Repro scenario per run name. */
  repros?: Readonly<Record<string, ReproRef>>;
  /**
   * JUnit test suite a run belongs to. Default: `scenarios` for named scenarios and `fuzz`
   * for drawn runs (`seed-<n>`), each qualified by client and profile.
   */
  suiteOf?: (result: RunResult) => string;
}

/**
 * `error`: the client threw or hung or a bound was hit (errors win over violations);
 * `failed`: the outcome differed from the expected one; `passed`: it matched.
 */
export type RunStatus = 'passed' | 'failed' | 'error';

export function runStatus(result: RunResult): RunStatus {
  if (result.errors.length > 0) return 'error';
  return result.passed ? 'passed' : 'failed';
}

/** Expected invariants that no violation of the run names. */
export function missingExpected(result: RunResult): string[] {
  const seen = new Set(result.violations.map((violation) => violation.invariant));
  return result.expectedViolations.filter((invariant) => !seen.has(invariant));
}

/** Invariants a failed run reports, the missing expected ones included (for one-line views). */
export function failedInvariants(result: RunResult): string[] {
  if (runStatus(result) === 'passed') return [];
  const names = result.violations.map((violation) => violation.invariant);
  for (const invariant of missingExpected(result)) names.push(`missing:${invariant}`);
  return [...new Set(names)];
}

/** One line saying why a run did not pass, or '' when it passed. */
export function failureHeadline(result: RunResult): string {
  const status = runStatus(result);
  if (status === 'passed') return '';
  if (status === 'error') return result.errors[0] ?? 'error';
  const first = result.violations[0];
  if (first !== undefined) return `${first.invariant}: ${first.message}`;
  const missing = missingExpected(result);
  if (missing.length > 0) return `expected violation did not occur: ${missing.join(', ')}`;
  return 'the outcome differed from the expected one';
}

export function reproOf(result: RunResult, options: ReportOptions): ReproRef | undefined {
  return ownEntry(options.repros, result.name);
}

/**
 * `record[key]` when `record` has `key` as its own property: run names are user-given, and
 * a run named `constructor` must not find Object's constructor.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Default suite: scenarios vs fuzz, by client and profile. */
export function defaultSuite(result: RunResult): string {
  const kind = /^seed-/.test(result.name) ? 'fuzz' : 'scenarios';
  return `${kind} (${result.client}, ${result.profile})`;
}

/** The one value all results share for `key`, else the distinct values joined. */
export function commonValue(results: readonly RunResult[], key: 'client' | 'profile'): string {
  const values = [...new Set(results.map((result) => result[key]))];
  return values.join(', ');
}
