/**
 * A CliIo that records what the CLI writes, and helpers to run the real binary in a child
 * process (the way users and CI run it).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { CliIo } from '../../src/cli/io.ts';

export interface RecordingIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

export function recordingIo(): RecordingIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let clock = 0;
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    interactive: false,
    color: false,
    now: () => (clock += 10),
    wallClock: () => '2030-01-02T03:04:05.000Z',
  };
}

export interface Spawned {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = resolve('bin/syncstorm.mjs');

/** Runs `node bin/syncstorm.mjs ...args`, from the repository root unless `cwd` is given; killed after `timeoutMs`. */
export function syncstorm(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd?: string,
  timeoutMs = 600_000,
): Spawned {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    ...(cwd === undefined ? {} : { cwd }),
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A one-line message with no stack trace. */
/**
 * A bad-input message: one line, or (a scenario file with several problems) a head line and
 * one `file:line:column pointer: message` line per problem, the way compilers list them.
 */
export function isProblemList(text: string): boolean {
  const [head, ...rest] = text.trimEnd().split('\n');
  if (head?.startsWith('[syncstorm] ') !== true || /\n\s+at /.test(text)) return false;
  return rest.every((line) => /^ {2}\S.*:\d+:\d+ \/\S*: |^\(and \d+ more problems?, not listed\)$/.test(line));
}

export function isOneLineMessage(text: string): boolean {
  const lines = text.trimEnd().split('\n');
  return lines.length === 1 && lines[0]?.startsWith('[syncstorm] ') === true && !/\n\s+at /.test(text);
}
