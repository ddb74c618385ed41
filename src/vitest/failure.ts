/**
 * @module vitest/failure
 * What a failing conformance test leaves behind and says: the run's report folder (HTML
 * timeline, trace, Mermaid diagram, the repro scenario when the run was drawn and shrunk)
 * and one message with the violations, the repro path and the command that replays it.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { writeReports } from '../report/index.ts';
import { failureHeadline } from '../report/runs.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunResult } from '../sim/result.ts';

export interface Failure {
  /** What failed, for the message: `scenario 'edit-vs-delete'`, `seed 38`. */
  what: string;
  clientName: string;
  result: RunResult;
  /** An existing scenario file that reproduces the run. */
  reproPath?: string;
  /** A repro scenario to write into the report folder (a shrunk seed). */
  reproScenario?: Scenario;
  /** How the CLI loads the client; unknown for a bare factory. */
  clientSpec?: string;
  reportDir: string;
  runId: string;
  /** Extra lines (e.g. how the repro was shrunk). */
  notes?: string[];
}

const VIOLATIONS_SHOWN_MAX = 5;

/** A module path spec made absolute, so a repro names the client wherever the file lands. */
export function portableSpec(spec: string): string {
  const isModule = /\.(c|m)?(t|j)s$/.test(spec) && !spec.includes(':');
  return isModule && !isAbsolute(spec) ? resolve(spec) : spec;
}

function shellWord(word: string): string {
  return /^[\w./:@=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function problemLines(result: RunResult): string[] {
  const lines = result.violations.slice(0, VIOLATIONS_SHOWN_MAX).map((v) => `  ✗ ${v.invariant}: ${v.message}`);
  if (result.violations.length > VIOLATIONS_SHOWN_MAX) {
    lines.push(`  … and ${result.violations.length - VIOLATIONS_SHOWN_MAX} more violations`);
  }
  for (const error of result.errors.slice(0, VIOLATIONS_SHOWN_MAX)) lines.push(`  ✗ error: ${error}`);
  if (lines.length === 0) lines.push(`  ✗ ${failureHeadline(result)}`);
  return lines;
}

/** Writes the failure's report folder and returns the message the test fails with. */
export function reportFailure(failure: Failure): string {
  const { result } = failure;
  const reproScenarios = failure.reproScenario ? { [result.name]: failure.reproScenario } : undefined;
  const written = writeReports(failure.reportDir, [result], {
    runId: failure.runId,
    latest: false,
    repros: failure.reproPath ? { [result.name]: { path: failure.reproPath } } : {},
    ...(reproScenarios ? { reproScenarios } : {}),
  });
  const writtenRepro = written.files.find((file) => file.startsWith('repro'));
  const repro = writtenRepro ? join(written.dir, writtenRepro) : failure.reproPath;
  const client = failure.clientSpec ? shellWord(failure.clientSpec) : '<path of the module that exports your client>';
  const lines = [
    `[syncstorm] ${failure.what} failed for client '${failure.clientName}' (seed ${result.seed}, trace sha256 ${result.traceHash.slice(0, 12)}):`,
    ...problemLines(result),
    ...(failure.notes ?? []).map((note) => `  ${note}`),
    ...(repro ? [`  repro:  ${repro}`] : []),
    `  report: ${join(written.dir, 'report.html')}`,
    ...(repro ? [`  replay: npx syncstorm replay ${shellWord(repro)} --client ${client}`] : []),
  ];
  return lines.join('\n');
}
