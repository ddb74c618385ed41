/**
 * @module cli/reports
 * What a command leaves behind: the report folder (summary.json, junit.xml, report.html,
 * traces, diagrams, repros) written by src/report, an extra JUnit file where CI wants
 * one, and the one JSON summary on stdout with --json.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  buildSummary,
  type ReportSummary,
  type ReproRef,
  renderJunit,
  renderSummary,
  type WrittenReports,
  writeReports,
} from '../report/index.ts';
import { SCHEMA_FILE } from '../scenario/schema-file.ts';
import type { RunResult } from '../sim/result.ts';
import type { CliIo } from './io.ts';

export const REPORTS_ROOT_DEFAULT = 'reports';

export interface ReportFlags {
  report?: string;
  junit?: string;
  json?: boolean;
}

export interface CommandOutcome {
  results: RunResult[];
  /** Scenario file behind each run name (for scenarios run from files). */
  repros?: Record<string, ReproRef>;
  /** Repro scenarios to write under repro/, by run name (fuzz). */
  reproScenarios?: Record<string, Record<string, unknown>>;
  /** Extra fields for the --json document (e.g. shrink measurements). */
  extra?: Record<string, unknown>;
}

/** `gate-20250101-120000` from the wall clock. */
export function runIdFor(command: string, io: CliIo): string {
  const stamp = io.wallClock().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${command}-${stamp}`;
}

/** `$schema` for a repro written to `<root>/<run>/repro/`. */
function schemaRefFrom(root: string): string {
  return relative(join(root, 'run', 'repro'), SCHEMA_FILE).split('\\').join('/');
}

export function emitReports(
  io: CliIo,
  command: string,
  flags: ReportFlags,
  outcome: CommandOutcome,
  options: { alwaysWrite: boolean },
): { summary: ReportSummary; written?: WrittenReports } {
  const startedAt = io.wallClock();
  let summary: ReportSummary;
  let written: WrittenReports | undefined;
  if (options.alwaysWrite || flags.report !== undefined) {
    const root = flags.report ?? REPORTS_ROOT_DEFAULT;
    const schemaRef = schemaRefFrom(root);
    const reproScenarios = Object.fromEntries(
      Object.entries(outcome.reproScenarios ?? {}).map(([name, scenario]) => [name, { $schema: schemaRef, ...scenario }]),
    );
    written = writeReports(root, outcome.results, {
      runId: runIdFor(command, io),
      startedAt,
      repros: outcome.repros ?? {},
      reproScenarios,
    });
    summary = written.summary;
    io.err(`report: ${join(written.dir, 'report.html')}\n`);
  } else {
    summary = buildSummary(outcome.results, { startedAt, repros: outcome.repros ?? {} });
  }
  if (flags.junit !== undefined) {
    mkdirSync(dirname(flags.junit), { recursive: true });
    if (written !== undefined) copyFileSync(join(written.dir, 'junit.xml'), flags.junit);
    else writeFileSync(flags.junit, renderJunit(outcome.results, { startedAt, repros: outcome.repros ?? {} }));
  }
  if (flags.json) io.out(renderSummary({ ...summary, ...outcome.extra } as ReportSummary));
  return { summary, ...(written ? { written } : {}) };
}
