/**
 * @module report/write
 * Writes a campaign's reports into `<root>/<run-id>/` and points `<root>/latest` at it:
 * summary.json, junit.xml, report.html, and per failing run its trace (JSON lines), its
 * Mermaid diagram and, when given, its repro scenario under repro/. The only file I/O of
 * src/report; everything it writes comes from the pure renderers.
 */
import {
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { TraceEvent } from '../kernel/trace.ts';
import type { RunResult } from '../sim/result.ts';
import { fileStem } from './escape.ts';
import { renderReportHtml } from './html.ts';
import { buildReportModel, type HtmlOptions } from './html-model.ts';
import { renderJunit } from './junit.ts';
import { type MermaidOptions, renderMermaid } from './mermaid.ts';
import { ownEntry, type ReportOptions, runStatus } from './runs.ts';
import { buildSummary, type ReportSummary, renderSummary } from './summary.ts';

/** Trace lines joined per write (a whole trace may be too big for one string). */
const TRACE_LINES_PER_WRITE = 10_000;
/** Suffixes tried when a run id's folder already exists. */
const RUN_DIR_SUFFIX_MAX = 100;
export const LATEST_NAME = 'latest';
/**
 * Written first into a report folder and removed last: a folder that still holds it was
 * interrupted while being written (a killed CI job) and is partial. `report merge` refuses it.
 */
export const INCOMPLETE_MARKER = 'INCOMPLETE';

/** Marks `dir` as being written. */
export function markIncomplete(dir: string): void {
  writeFileSync(
    join(dir, INCOMPLETE_MARKER),
    `syncstorm (process ${process.pid}) started writing this report and had not finished. If this file is still here, the writing was interrupted: the report is partial.\n`,
  );
}

/** Marks `dir` as complete: every file is written. */
export function markComplete(dir: string): void {
  rmSync(join(dir, INCOMPLETE_MARKER), { force: true });
}

export function isIncomplete(dir: string): boolean {
  return existsSync(join(dir, INCOMPLETE_MARKER));
}

export interface WriteReportsOptions extends ReportOptions, HtmlOptions, MermaidOptions {
  /** Folder name under the reports root (a single path segment; the CLI may use real time). */
  runId: string;
  /** Repro scenario objects by run name, written as repro/<name>.json (their path then goes in every report). */
  reproScenarios?: Readonly<Record<string, unknown>>;
  /** Point `<root>/latest` at this report. Default true. */
  latest?: boolean;
}

export interface WrittenReports {
  /** The folder written (`<root>/<runId>`, suffixed `-2`, `-3`… if that existed). */
  dir: string;
  runId: string;
  /** Files written, relative to `dir`. */
  files: string[];
  /** How `latest` was updated. */
  latest: 'symlink' | 'copy' | 'none';
  summary: ReportSummary;
}

export function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId) || runId === LATEST_NAME || runId.length > 128) {
    throw new Error(
      `[syncstorm] report run id '${runId}' must be one path segment of [A-Za-z0-9._-], not '${LATEST_NAME}'`,
    );
  }
}

/** `<root>/<runId>`, or the first of `<runId>-2`, `-3`… that does not exist yet. */
export function freshRunDir(root: string, runId: string): { dir: string; runId: string } {
  for (let attempt = 1; attempt <= RUN_DIR_SUFFIX_MAX; attempt += 1) {
    const id = attempt === 1 ? runId : `${runId}-${attempt}`;
    const dir = join(root, id);
    if (!existsSync(dir)) return { dir, runId: id };
  }
  throw new Error(`[syncstorm] report folders ${runId} to ${runId}-${RUN_DIR_SUFFIX_MAX} all exist under ${root}`);
}

/** One distinct file stem per run name (names that sanitise alike get -2, -3…). */
export function fileStems(names: readonly string[]): Map<string, string> {
  const stems = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    if (stems.has(name)) continue;
    const base = fileStem(name);
    let stem = base;
    for (let index = 2; taken.has(stem.toLowerCase()); index += 1) stem = `${base}-${index}`;
    taken.add(stem.toLowerCase());
    stems.set(name, stem);
  }
  return stems;
}

function stepsOf(scenario: unknown): number | undefined {
  if (scenario === null || typeof scenario !== 'object') return undefined;
  const steps = (scenario as { steps?: unknown }).steps;
  return Array.isArray(steps) ? steps.length : undefined;
}

/** The trace as JSON lines, byte for byte what the run hashed (when the whole trace was kept). */
export function writeTraceFile(path: string, trace: readonly TraceEvent[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < trace.length; start += TRACE_LINES_PER_WRITE) {
      const lines = trace.slice(start, start + TRACE_LINES_PER_WRITE).map((event) => `${JSON.stringify(event)}\n`);
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes `<root>/latest` as a relative symlink to the run folder, or as a copy where links fail. */
export function updateLatest(root: string, runId: string): 'symlink' | 'copy' {
  const latest = join(root, LATEST_NAME);
  const staging = join(root, `.${LATEST_NAME}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  let kind: 'symlink' | 'copy' = 'symlink';
  try {
    symlinkSync(runId, staging, 'dir');
  } catch {
    kind = 'copy';
    cpSync(join(root, runId), staging, { recursive: true });
  }
  const existing = lstatSync(latest, { throwIfNoEntry: false });
  // A symlink is replaced atomically by rename; a copied folder has to go first.
  if (existing !== undefined && !existing.isSymbolicLink()) rmSync(latest, { recursive: true, force: true });
  renameSync(staging, latest);
  return kind;
}

/** Writes every report of a campaign; returns what it wrote. */
export function writeReports(
  root: string,
  results: readonly RunResult[],
  options: WriteReportsOptions,
): WrittenReports {
  assertRunId(options.runId);
  mkdirSync(root, { recursive: true });
  const { dir, runId } = freshRunDir(root, options.runId);
  mkdirSync(dir);
  markIncomplete(dir);
  const files: string[] = [];
  const write = (name: string, content: string): void => {
    writeFileSync(join(dir, name), content);
    files.push(name);
  };
  const failing = results.filter((result) => runStatus(result) !== 'passed');
  const stems = fileStems(failing.map((result) => result.name));
  // Maps: run names are user-given (a scenario may be named `__proto__`).
  const repros = new Map(Object.entries(options.repros ?? {}));
  const artifacts = new Map<string, { trace?: string; diagram?: string }>();
  for (const result of failing) {
    const stem = stems.get(result.name)!;
    const scenario = ownEntry(options.reproScenarios, result.name);
    if (scenario !== undefined) {
      mkdirSync(join(dir, 'repro'), { recursive: true });
      write(join('repro', `${stem}.json`), `${JSON.stringify(scenario, null, 2)}\n`);
      const steps = repros.get(result.name)?.steps ?? stepsOf(scenario);
      repros.set(result.name, { path: join(dir, 'repro', `${stem}.json`), ...(steps === undefined ? {} : { steps }) });
    }
    const found: { trace?: string; diagram?: string } = { diagram: `failure-${stem}.mmd` };
    artifacts.set(result.name, found);
    if (result.trace !== undefined) {
      found.trace = `trace-${stem}.jsonl`;
      writeTraceFile(join(dir, `trace-${stem}.jsonl`), result.trace);
      files.push(`trace-${stem}.jsonl`);
    }
  }
  const reportOptions = { ...options, runId, repros: Object.fromEntries(repros), artifacts };
  for (const result of failing) write(artifacts.get(result.name)!.diagram!, renderMermaid(result, reportOptions));
  const summary = buildSummary(results, reportOptions);
  for (const entry of [...summary.violations, ...summary.errorRuns]) {
    const found = artifacts.get(entry.name);
    if (found?.trace !== undefined) entry.trace = found.trace;
    if (found?.diagram !== undefined) entry.diagram = found.diagram;
  }
  write('summary.json', renderSummary(summary));
  write('junit.xml', renderJunit(results, reportOptions));
  write('report.html', renderReportHtml(buildReportModel(results, summary, reportOptions)));
  markComplete(dir);
  const latest = options.latest === false ? 'none' : updateLatest(root, runId);
  return { dir, runId, files, latest, summary };
}
