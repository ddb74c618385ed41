/**
 * @module report/merge
 * Joins the reports of a campaign split with `--shard i/n` into one: summaries summed,
 * JUnit suites gathered under one document, report.html redrawn from the shards' embedded
 * data, and the per-failure files copied over (renamed on a clash).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { addFaults } from '../sim/exercised.ts';
import { shellQuote } from './escape.ts';
import { readReportModel, renderReportHtml } from './html.ts';
import { MODEL_FORMAT_VERSION, type OverviewRow, type ReportModel } from './html-model.ts';
import { junitDocument, type SuiteCounts } from './junit.ts';
import { addStats, emptyStats, type ReportSummary, renderSummary, SUMMARY_FORMAT_VERSION } from './summary.ts';
import {
  assertRunId,
  freshRunDir,
  INCOMPLETE_MARKER,
  isIncomplete,
  markComplete,
  markIncomplete,
  updateLatest,
  type WrittenReports,
} from './write.ts';

/** Bad input to a merge (a folder that is not a syncstorm report): the CLI exits 2 on it. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/** Files of a report folder that merge rebuilds instead of copying. */
const REBUILT = new Set(['summary.json', 'junit.xml', 'report.html']);

function joinValues(values: readonly string[]): string {
  return [...new Set(values.flatMap((value) => value.split(', ')).filter((value) => value !== ''))].join(', ');
}

/** Counts and stats summed, lists concatenated in shard order, earliest start kept. */
export function mergeSummaries(summaries: readonly ReportSummary[], sources: readonly string[] = []): ReportSummary {
  const stats = emptyStats();
  const starts = summaries.flatMap((summary) => (summary.startedAt === undefined ? [] : [summary.startedAt])).sort();
  const merged: ReportSummary = {
    tool: 'syncstorm',
    format: SUMMARY_FORMAT_VERSION,
    ...(starts[0] === undefined ? {} : { startedAt: starts[0] }),
    client: joinValues(summaries.map((summary) => summary.client)),
    profile: joinValues(summaries.map((summary) => summary.profile)),
    runs: 0,
    seeds: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    declaredLosses: 0,
    violations: summaries.flatMap((summary) => summary.violations),
    errorRuns: summaries.flatMap((summary) => summary.errorRuns),
    ...(summaries.some((summary) => Array.isArray(summary.leaks))
      ? { leaks: summaries.flatMap((summary) => summary.leaks ?? []) }
      : {}),
    stats,
    faults: {},
    mergedFrom: [...sources],
  };
  for (const summary of summaries) {
    for (const key of ['runs', 'seeds', 'passed', 'failed', 'errors', 'declaredLosses'] as const)
      merged[key] += summary[key];
    addStats(stats, summary.stats);
    addFaults(merged.faults, summary.faults);
  }
  return merged;
}

function attribute(tag: string, name: string): number {
  const match = new RegExp(`\\s${name}="([0-9.]+)"`).exec(tag);
  return match === null ? 0 : Number(match[1]);
}

/** The testsuite elements of junit.xml documents written by report/junit, under one root. */
export function mergeJunit(documents: readonly string[]): string {
  const suites: string[] = [];
  const counts: SuiteCounts = { tests: 0, failures: 0, errors: 0, ms: 0 };
  for (const document of documents) {
    // Our writer escapes every `<` in text, so the only `</testsuite>` is a real end tag.
    for (const match of document.matchAll(/<testsuite\b[^>]*?(?:\/>|>[\s\S]*?<\/testsuite>)/g)) {
      const block = match[0];
      const open = block.slice(0, block.indexOf('>') + 1);
      counts.tests += attribute(open, 'tests');
      counts.failures += attribute(open, 'failures');
      counts.errors += attribute(open, 'errors');
      counts.ms += attribute(open, 'time') * 1000;
      suites.push(`  ${block}`);
    }
  }
  return junitDocument(suites, counts);
}

/** Overview rows (failing first) and drawn runs of several models, with run indices renumbered. */
export function mergeModels(models: readonly ReportModel[], summary: ReportSummary): ReportModel {
  const failing: OverviewRow[] = [];
  const passing: OverviewRow[] = [];
  const runs: ReportModel['runs'] = [];
  for (const model of models) {
    const offset = runs.length;
    runs.push(...model.runs);
    for (const row of model.rows) {
      const shifted = { ...row, detail: row.detail === null ? null : row.detail + offset };
      (row.status === 'passed' ? passing : failing).push(shifted);
    }
  }
  const { startedAt, client, profile, seeds, passed, failed, errors } = summary;
  const leaks = models.flatMap((model) => model.leaks ?? []);
  return {
    ...(leaks.length > 0 ? { leaks } : {}),
    format: MODEL_FORMAT_VERSION,
    summary: {
      ...{ startedAt, client, profile, runs: summary.runs, seeds, passed, failed, errors },
      ...{ stats: summary.stats, faults: summary.faults },
    },
    rows: [...failing, ...passing],
    rowsOmitted: models.reduce((total, model) => total + model.rowsOmitted, 0),
    runs,
    runsOmitted: models.reduce((total, model) => total + model.runsOmitted, 0),
  };
}

function readJson(path: string): unknown {
  if (!existsSync(path))
    throw new ReportInputError(`[syncstorm] report merge: ${path} not found. Pass folders written with --report.`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportInputError(`[syncstorm] report merge: ${path} is not JSON (${(error as Error).message}).`);
  }
}

function readSummary(dir: string): ReportSummary {
  if (isIncomplete(dir))
    throw new ReportInputError(
      `[syncstorm] report merge: ${dir} is incomplete (it holds ${INCOMPLETE_MARKER}: its writing was interrupted). Run that shard again.`,
    );
  const path = join(dir, 'summary.json');
  const summary = readJson(path) as Partial<ReportSummary> | null;
  if (summary?.tool !== 'syncstorm' || summary.format !== SUMMARY_FORMAT_VERSION) {
    throw new ReportInputError(
      `[syncstorm] report merge: ${path} is not a syncstorm summary (format ${SUMMARY_FORMAT_VERSION}).`,
    );
  }
  return summary as ReportSummary;
}

function readModel(path: string): ReportModel {
  try {
    return readReportModel(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportInputError(
      `[syncstorm] report merge: ${path}: ${(error as Error).message.replace('[syncstorm] ', '')}.`,
    );
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((file) => !REBUILT.has(file))
    .sort();
}

/** Copies a shard's files into `target`; returns old → new relative names. */
function copyArtifacts(dir: string, target: string, shard: number, taken: Set<string>): Map<string, string> {
  const renamed = new Map<string, string>();
  for (const file of filesUnder(dir)) {
    const extension = extname(file);
    const name = taken.has(file) ? `${file.slice(0, file.length - extension.length)}.s${shard}${extension}` : file;
    taken.add(name);
    mkdirSync(dirname(join(target, name)), { recursive: true });
    copyFileSync(join(dir, file), join(target, name));
    renamed.set(file, name);
  }
  return renamed;
}

/** Rewrites what a shard's reports say about its files to the merged folder's names. */
function relocate(dir: string, target: string, renamed: ReadonlyMap<string, string>) {
  const file = (name: string | undefined) => (name === undefined ? undefined : (renamed.get(name) ?? name));
  const path = (value: string | null): string | null => {
    if (value === null) return null;
    const inside = relative(resolve(dir), resolve(value));
    if (inside.startsWith('..') || inside.startsWith(sep)) return value;
    const name = renamed.get(inside);
    return name === undefined ? value : join(target, name);
  };
  return { file, path };
}

export interface MergeOptions {
  runId: string;
  /** Point `<root>/latest` at the merged report. Default true. */
  latest?: boolean;
}

/** Merges report folders into `<root>/<runId>`. Throws ReportInputError on a folder that is not a report. */
export function mergeReportDirs(dirs: readonly string[], root: string, options: MergeOptions): WrittenReports {
  assertRunId(options.runId);
  if (dirs.length === 0) throw new ReportInputError('[syncstorm] report merge: name at least one report folder.');
  const summaries = dirs.map(readSummary);
  mkdirSync(root, { recursive: true });
  const { dir: target, runId } = freshRunDir(root, options.runId);
  mkdirSync(target);
  markIncomplete(target);
  const taken = new Set<string>(REBUILT);
  const models: ReportModel[] = [];
  const junits: string[] = [];
  dirs.forEach((dir, index) => {
    const { file, path } = relocate(dir, target, copyArtifacts(dir, target, index + 1, taken));
    const summary = summaries[index]!;
    for (const entry of [...summary.violations, ...summary.errorRuns]) {
      entry.repro = path(entry.repro);
      if (entry.trace !== undefined) entry.trace = file(entry.trace);
      if (entry.diagram !== undefined) entry.diagram = file(entry.diagram);
    }
    if (existsSync(join(dir, 'junit.xml'))) junits.push(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    if (!existsSync(join(dir, 'report.html'))) return;
    const model = readModel(join(dir, 'report.html'));
    for (const row of model.rows) row.repro = path(row.repro);
    for (const run of model.runs) {
      run.repro = path(run.repro);
      run.replay = run.repro === null ? null : `syncstorm run ${shellQuote(run.repro)}`;
      run.artifacts = { trace: file(run.artifacts.trace), diagram: file(run.artifacts.diagram) };
    }
    models.push(model);
  });
  const summary = mergeSummaries(summaries, dirs);
  const files = ['summary.json', 'junit.xml', 'report.html'];
  writeFileSync(join(target, 'summary.json'), renderSummary(summary));
  writeFileSync(join(target, 'junit.xml'), mergeJunit(junits));
  writeFileSync(join(target, 'report.html'), renderReportHtml(mergeModels(models, summary)));
  files.push(...[...taken].filter((name) => !REBUILT.has(name)).sort());
  markComplete(target);
  const latest = options.latest === false ? 'none' : updateLatest(root, runId);
  return { dir: target, runId, files, latest, summary };
}
