/**
 * @module cli/reports
 * What a command leaves behind: the report folder (summary.json, junit.xml, report.html,
 * traces, diagrams, repros) written by src/report, an extra JUnit file where CI wants
 * one, and the one JSON summary on stdout with --json.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isModuleSpec } from '../client/resolve.ts';
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
import { outputFailure, REPORTS_ROOT_DEFAULT } from './output-paths.ts';

export { REPORTS_ROOT_DEFAULT } from './output-paths.ts';

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

/** A path as a file written to `<root>/<run>/repro/` should name it. */
function fromReproFolder(root: string, target: string): string {
  const path = relative(join(root, 'run', 'repro'), resolve(target))
    .split('\\')
    .join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** A repro as written: with `$schema`, and a module client named relative to the file. */
function reproFile(root: string, scenario: Record<string, unknown>): Record<string, unknown> {
  const client = scenario.client;
  const portable = typeof client === 'string' && isModuleSpec(client) ? { client: fromReproFolder(root, client) } : {};
  return { $schema: fromReproFolder(root, SCHEMA_FILE), ...scenario, ...portable };
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
    const reproScenarios = Object.fromEntries(
      Object.entries(outcome.reproScenarios ?? {}).map(([name, scenario]) => [name, reproFile(root, scenario)]),
    );
    try {
      written = writeReports(root, outcome.results, {
        runId: runIdFor(command, io),
        startedAt,
        repros: outcome.repros ?? {},
        reproScenarios,
      });
    } catch (error) {
      throw outputFailure('--report', root, error);
    }
    summary = written.summary;
    io.err(`report: ${join(written.dir, 'report.html')}\n`);
  } else {
    summary = buildSummary(outcome.results, { startedAt, repros: outcome.repros ?? {} });
  }
  if (flags.junit !== undefined) {
    try {
      mkdirSync(dirname(flags.junit), { recursive: true });
      if (written !== undefined) copyFileSync(join(written.dir, 'junit.xml'), flags.junit);
      else writeFileSync(flags.junit, renderJunit(outcome.results, { startedAt, repros: outcome.repros ?? {} }));
    } catch (error) {
      throw outputFailure('--junit', flags.junit, error);
    }
  }
  if (flags.json) io.out(renderSummary({ ...summary, ...outcome.extra } as ReportSummary));
  return { summary, ...(written ? { written } : {}) };
}
