/**
 * @module cli/commands/conform
 * `syncstorm conform <base-url>`: checks the promises of the reference protocol against any
 * server over real HTTP, injecting faults from the client side (the same op twice, dropped
 * answers, concurrent sends, writes between pages). One line per promise; exit 0 when all
 * held, 1 when one broke, 2 for a bad URL or a server that cannot be reached.
 */
import { InvalidArgumentError } from 'commander';
import { CONFORM_PROMISES, type PromiseResult, runConform } from '../../realnet/conform/run-conform.ts';
import type { ConformPromiseName } from '../../realnet/server-mutants/index.ts';
import { type CliIo, paint } from '../io.ts';

export interface ConformFlags {
  collection: string;
  only?: ConformPromiseName[];
  json?: boolean;
}

export function parsePromiseList(value: string): ConformPromiseName[] {
  const known = CONFORM_PROMISES.map((promise) => promise.name);
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !known.includes(name as ConformPromiseName));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`Unknown promise ${unknown.join(', ') || "''"}. Known: ${known.join(', ')}.`);
  }
  return names as ConformPromiseName[];
}

function line(result: PromiseResult, color: boolean): string {
  const p = paint(color);
  const mark = result.passed ? p.pass('✓') : p.fail('✗');
  return `${mark} ${result.promise.padEnd(22)} ${result.detail}`;
}

export async function conformCommand(baseUrl: string, flags: ConformFlags, io: CliIo): Promise<number> {
  const report = await runConform(baseUrl, {
    collection: flags.collection,
    ...(flags.only ? { only: flags.only } : {}),
  });
  if (flags.json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.out(`conform ${report.baseUrl} (as device ${report.deviceId})\n`);
    for (const result of report.results) io.out(`${line(result, io.color)}\n`);
    const held = report.results.filter((result) => result.passed).length;
    const summary = `${held} of ${report.results.length} promises held`;
    io.out(`${report.passed ? paint(io.color).pass(summary) : paint(io.color).fail(summary)}\n`);
  }
  return report.passed ? 0 : 1;
}
