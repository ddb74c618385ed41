/**
 * @module cli/format
 * One line per run for humans: a mark, the name, what went wrong, and how to replay it.
 */
import { describeLeak } from '../kernel/leaks.ts';
import { failureHeadline, runStatus } from '../report/index.ts';
import type { RunResult } from '../sim/result.ts';
import { type Paint, printable, seconds } from './io.ts';

export interface RunLineOptions {
  time?: boolean;
  /** The command that makes the same run again (cli/replay-hint); default `syncstorm replay <source>`. */
  reproduce?: string;
}

export function runLine(result: RunResult, paint: Paint, source?: string, options: RunLineOptions = {}): string {
  const status = runStatus(result);
  const where = source === undefined ? '' : paint.dim(` (${printable(source)})`);
  const time = options.time === false ? '' : paint.dim(` ${seconds(result.stats.wallMs)}`);
  const leaked = leakLines(result);
  if (status === 'passed') {
    const caught =
      result.expectedViolations.length > 0 ? ` caught ${result.expectedViolations.join(', ')} as expected` : '';
    const warning = leaked === '' ? '' : paint.fail(' but leaked real time (not reproducible)');
    return `${paint.pass('✓')} ${printable(result.name)}${caught}${warning}${where}${time}${leaked}`;
  }
  const mark = status === 'error' ? paint.fail('✗ error') : paint.fail('✗');
  // The server a run used goes with the hint: a --server run replays against the same server.
  const server = result.server === undefined ? '' : ` --server ${result.server}`;
  const command = options.reproduce ?? (source === undefined ? undefined : `syncstorm replay ${source}${server}`);
  const replay = command === undefined ? '' : `\n    reproduce with: ${printable(command)}`;
  return `${mark} ${printable(result.name)}${where}: ${printable(oneLine(failureHeadline(result)))}${leaked}${replay}`;
}

/** One indented line per leak of real time ("phone: 38 real setTimeout calls, first at x.js:120"). */
function leakLines(result: RunResult): string {
  return (result.leaks ?? []).map((leak) => `\n    ${printable(describeLeak(leak))}`).join('');
}

/** Collapses whitespace so a message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function countsLine(results: readonly RunResult[], paint: Paint): string {
  const counts = { passed: 0, failed: 0, error: 0 };
  for (const result of results) counts[runStatus(result)] += 1;
  const failed = counts.failed + counts.error;
  const leaked = results.filter((result) => (result.leaks?.length ?? 0) > 0).length;
  const leakText = leaked === 0 ? '' : `, ${leaked} leaked real time`;
  const text = `${results.length} runs: ${counts.passed} passed, ${counts.failed} failed, ${counts.error} errors${leakText}`;
  return failed === 0 ? paint.pass(text) : paint.fail(text);
}
