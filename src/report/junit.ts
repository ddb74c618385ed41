/**
 * @module report/junit
 * JUnit XML for CI dashboards: one testsuite per campaign or scenario set, one testcase per
 * run; a failure names the invariant, the message, the repro file and the command that
 * replays it. Every user string is XML-escaped; the output is well-formed XML 1.0.
 */
import type { RunResult, RunViolation } from '../sim/result.ts';
import { escapeXmlAttribute, escapeXmlText, shellQuote } from './escape.ts';
import {
  defaultSuite,
  failedInvariants,
  failureHeadline,
  missingExpected,
  type ReportOptions,
  reproOf,
  runStatus,
} from './runs.ts';

/** Longest `expected`/`actual` rendering in a failure body. */
const VALUE_LENGTH_MAX = 2_000;

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length <= VALUE_LENGTH_MAX ? text : `${text.slice(0, VALUE_LENGTH_MAX)}…`;
}

function violationLines(violation: RunViolation): string[] {
  const lines = [`invariant: ${violation.invariant}`, `message: ${violation.message}`];
  if (violation.device !== undefined) lines.push(`device: ${violation.device}`);
  if (violation.recordId !== undefined) lines.push(`record: ${violation.recordId}`);
  if (violation.expected !== undefined) lines.push(`expected: ${valueText(violation.expected)}`);
  if (violation.actual !== undefined) lines.push(`actual: ${valueText(violation.actual)}`);
  if (violation.events.length > 0) lines.push(`trace events: ${violation.events.join(', ')}`);
  return lines;
}

/** The body of a failure or error element: what failed, then how to reproduce it. */
export function failureBody(result: RunResult, options: ReportOptions): string {
  const lines: string[] = [];
  for (const error of result.errors) lines.push(`error: ${error}`);
  for (const violation of result.violations) lines.push(...violationLines(violation), '');
  for (const invariant of missingExpected(result)) lines.push(`expected violation did not occur: ${invariant}`);
  lines.push(`client: ${result.client}`, `profile: ${result.profile}`, `seed: ${result.seed}`);
  lines.push(`trace hash: ${result.traceHash}`);
  const repro = reproOf(result, options);
  if (repro === undefined) {
    lines.push('repro: none written');
  } else {
    lines.push(`repro: ${repro.path}${repro.steps === undefined ? '' : ` (${repro.steps} steps)`}`);
    lines.push(`replay: syncstorm run ${shellQuote(repro.path)}`);
  }
  return lines.join('\n');
}

function testcase(result: RunResult, suite: string, options: ReportOptions): string {
  const open = `    <testcase${attributes({ name: result.name, classname: suite, time: seconds(result.stats.wallMs) })}`;
  const status = runStatus(result);
  if (status === 'passed') return `${open}/>`;
  const element = status === 'error' ? 'error' : 'failure';
  const type = status === 'error' ? 'error' : failedInvariants(result).join(',');
  const message = failureHeadline(result).replace(/\s+/g, ' ');
  return [
    `${open}>`,
    `      <${element}${attributes({ message, type })}>${escapeXmlText(failureBody(result, options))}</${element}>`,
    '    </testcase>',
  ].join('\n');
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  ms: number;
}

function countsOf(results: readonly RunResult[]): SuiteCounts {
  const counts: SuiteCounts = { tests: results.length, failures: 0, errors: 0, ms: 0 };
  for (const result of results) {
    const status = runStatus(result);
    if (status === 'failed') counts.failures += 1;
    if (status === 'error') counts.errors += 1;
    counts.ms += result.stats.wallMs;
  }
  return counts;
}

function suiteElement(name: string, results: readonly RunResult[], options: ReportOptions): string {
  const counts = countsOf(results);
  const header = attributes({
    name,
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: 0,
    time: seconds(counts.ms),
    ...(options.startedAt === undefined ? {} : { timestamp: options.startedAt }),
  });
  const first = results[0];
  const properties =
    first === undefined ? [] : [`      <property name="client"${attributes({ value: first.client })}/>`];
  if (first !== undefined) properties.push(`      <property name="profile"${attributes({ value: first.profile })}/>`);
  return [
    `  <testsuite${header}>`,
    ...(properties.length > 0 ? ['    <properties>', ...properties, '    </properties>'] : []),
    ...results.map((result) => testcase(result, name, options)),
    '  </testsuite>',
  ].join('\n');
}

/** Groups results into suites, keeping the order of first appearance. */
function suitesOf(results: readonly RunResult[], options: ReportOptions): Map<string, RunResult[]> {
  const suiteOf = options.suiteOf ?? defaultSuite;
  const suites = new Map<string, RunResult[]>();
  for (const result of results) {
    const name = suiteOf(result);
    const members = suites.get(name) ?? [];
    members.push(result);
    suites.set(name, members);
  }
  return suites;
}

/** Wraps suite elements (already rendered) in the document, with summed counts. */
export function junitDocument(suites: readonly string[], counts: SuiteCounts): string {
  const header = attributes({
    name: 'syncstorm',
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: 0,
    time: seconds(counts.ms),
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${header}>`, ...suites, '</testsuites>', ''].join('\n');
}

/** junit.xml for a campaign's results. */
export function renderJunit(results: readonly RunResult[], options: ReportOptions = {}): string {
  const suites = [...suitesOf(results, options)].map(([name, members]) => suiteElement(name, members, options));
  return junitDocument(suites, countsOf(results));
}

export type { SuiteCounts };
