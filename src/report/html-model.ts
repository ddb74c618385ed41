/**
 * @module report/html-model
 * The data the HTML report embeds: an overview row per run and, per failing run, its
 * violations, swimlane timeline and final-state table. Plain JSON, bounded in size; the
 * page's script draws it, and `report merge` reads it back to join shards.
 */
import { describeLeak } from '../kernel/leaks.ts';
import type { RunResult, RunStats } from '../sim/result.ts';
import { shellQuote } from './escape.ts';
import { witnessSeqs } from './events.ts';
import { failedInvariants, failureHeadline, type ReportOptions, type RunStatus, reproOf, runStatus } from './runs.ts';
import { finalEvent, type StateTable, stateTable } from './state.ts';
import type { ReportSummary } from './summary.ts';
import { buildTimeline, EVENTS_PER_LANE_MAX_DEFAULT, type Timeline } from './timeline.ts';

export const MODEL_FORMAT_VERSION = 1;
/** Failing runs drawn in detail; the rest are listed in the overview only. */
export const DETAILED_RUNS_MAX_DEFAULT = 20;
/** Overview rows for passing runs (failing ones are always listed). */
export const PASSING_ROWS_MAX_DEFAULT = 2_000;
const VALUE_LENGTH_MAX = 1_000;

export interface HtmlOptions {
  eventsPerLaneMax?: number;
  detailedRunsMax?: number;
  passingRowsMax?: number;
  /** Report files per run name, relative to report.html (set by the writer). */
  artifacts?: ReadonlyMap<string, { trace?: string; diagram?: string }>;
}

export interface OverviewRow {
  name: string;
  seed: string;
  client: string;
  profile: string;
  status: RunStatus;
  invariants: string[];
  headline: string;
  repro: string | null;
  steps: number | null;
  traceHash: string;
  wallMs: number;
  /** Index into `runs` when the run is drawn in detail. */
  detail: number | null;
}

export interface HtmlViolation {
  invariant: string;
  message: string;
  events: number[];
  device?: string;
  recordId?: string;
  expected?: string;
  actual?: string;
}

export interface HtmlRun {
  name: string;
  seed: string;
  client: string;
  profile: string;
  status: RunStatus;
  headline: string;
  traceHash: string;
  violations: HtmlViolation[];
  errors: string[];
  expectedViolations: string[];
  repro: string | null;
  steps: number | null;
  /** The command that replays the repro, shell-quoted; null without a repro. */
  replay: string | null;
  stats: RunStats;
  declaredLosses: number;
  artifacts: { trace?: string; diagram?: string };
  /** Null when the trace was not kept. */
  timeline: Timeline | null;
  /** Null when the trace has no `sim.final` event. */
  state: StateTable | null;
}

export interface ReportModel {
  format: number;
  summary: Pick<
    ReportSummary,
    'runId' | 'startedAt' | 'client' | 'profile' | 'runs' | 'seeds' | 'passed' | 'failed' | 'errors'
  > &
    Partial<Pick<ReportSummary, 'stats' | 'faults'>>;
  rows: OverviewRow[];
  /** Passing runs not listed. */
  rowsOmitted: number;
  runs: HtmlRun[];
  /** Failing runs listed but not drawn. */
  runsOmitted: number;
  /** "run: phone: 38 real setTimeout calls, first at x.js:120", when some run leaked real time. */
  leaks?: string[];
}

function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length <= VALUE_LENGTH_MAX ? text : `${text.slice(0, VALUE_LENGTH_MAX)}…`;
}

function htmlViolations(result: RunResult): HtmlViolation[] {
  return result.violations.map((violation) => {
    const out: HtmlViolation = {
      invariant: violation.invariant,
      message: violation.message,
      events: [...violation.events],
    };
    if (violation.device !== undefined) out.device = violation.device;
    if (violation.recordId !== undefined) out.recordId = violation.recordId;
    const expected = valueText(violation.expected);
    const actual = valueText(violation.actual);
    if (expected !== undefined) out.expected = expected;
    if (actual !== undefined) out.actual = actual;
    return out;
  });
}

function htmlRun(result: RunResult, options: ReportOptions & HtmlOptions): HtmlRun {
  const repro = reproOf(result, options);
  const trace = result.trace;
  const devices = result.violations.flatMap((violation) => (violation.device === undefined ? [] : [violation.device]));
  const final = trace === undefined ? undefined : finalEvent(trace);
  return {
    name: result.name,
    seed: result.seed,
    client: result.client,
    profile: result.profile,
    status: runStatus(result),
    headline: failureHeadline(result),
    traceHash: result.traceHash,
    violations: htmlViolations(result),
    errors: [...result.errors],
    expectedViolations: [...result.expectedViolations],
    repro: repro?.path ?? null,
    steps: repro?.steps ?? null,
    replay: repro === undefined ? null : `syncstorm run ${shellQuote(repro.path)}`,
    stats: { ...result.stats },
    declaredLosses: result.declaredLosses,
    artifacts: { ...options.artifacts?.get(result.name) },
    timeline:
      trace === undefined
        ? null
        : buildTimeline(
            trace,
            witnessSeqs(result.violations),
            devices,
            options.eventsPerLaneMax ?? EVENTS_PER_LANE_MAX_DEFAULT,
          ),
    state: final === undefined ? null : stateTable(final),
  };
}

function overviewRow(result: RunResult, options: ReportOptions, detail: number | null): OverviewRow {
  const repro = reproOf(result, options);
  return {
    name: result.name,
    seed: result.seed,
    client: result.client,
    profile: result.profile,
    status: runStatus(result),
    invariants: failedInvariants(result),
    headline: failureHeadline(result),
    repro: repro?.path ?? null,
    steps: repro?.steps ?? null,
    traceHash: result.traceHash,
    wallMs: result.stats.wallMs,
    detail,
  };
}

/** The embedded data of report.html: failing runs first in the overview, then passing ones. */
export function buildReportModel(
  results: readonly RunResult[],
  summary: ReportSummary,
  options: ReportOptions & HtmlOptions = {},
): ReportModel {
  const failing = results.filter((result) => runStatus(result) !== 'passed');
  const passing = results.filter((result) => runStatus(result) === 'passed');
  const detailedMax = options.detailedRunsMax ?? DETAILED_RUNS_MAX_DEFAULT;
  const passingMax = options.passingRowsMax ?? PASSING_ROWS_MAX_DEFAULT;
  const runs = failing.slice(0, detailedMax).map((result) => htmlRun(result, options));
  const rows = [
    ...failing.map((result, index) => overviewRow(result, options, index < detailedMax ? index : null)),
    ...passing.slice(0, passingMax).map((result) => overviewRow(result, options, null)),
  ];
  const { runId, startedAt, client, profile, seeds, passed, failed, errors } = summary;
  const leaks = results.flatMap((result) =>
    (result.leaks ?? []).map((leak) => `${result.name}: ${describeLeak(leak)}`),
  );
  return {
    ...(leaks.length > 0 ? { leaks } : {}),
    format: MODEL_FORMAT_VERSION,
    summary: {
      ...{ runId, startedAt, client, profile, runs: summary.runs, seeds, passed, failed, errors },
      ...{ stats: summary.stats, faults: summary.faults },
    },
    rows,
    rowsOmitted: Math.max(0, passing.length - passingMax),
    runs,
    runsOmitted: Math.max(0, failing.length - detailedMax),
  };
}
