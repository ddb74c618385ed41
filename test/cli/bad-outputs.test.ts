/**
 * Goal: a bad output path, a busy port or a bad host stops the command before it does any
 * work, with exit 2 and one line naming the flag and the path (never "internal error"): a
 * `--report` that is a file, under a file, under /proc or unwritable; a `--junit` that is a
 * folder, a FIFO, a device, under /sys; a `--trace` that is a folder or under a file; a port
 * in use; an empty or non-loopback `--host` without --allow-remote; an address this machine
 * does not have; a malformed SYNCSTORM_TOKEN. And a write that fails at the end (a full disk)
 * is one line naming the flag too.
 * Method: the real binary (node bin/syncstorm.mjs) with a `gate` sized to run for hours
 * (a million seeds of 1000 devices): had it started, it would not end within the test's
 * time; each case also asserts that no report folder was created and nothing was printed on
 * stdout. The unwritable folder runs the binary as `nobody` when the tests run as root.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitReports } from '../../src/cli/reports.ts';
import { isOneLineMessage, recordingIo } from './io.ts';

const BIN = resolve('bin/syncstorm.mjs');
const dir = mkdtempSync(join(tmpdir(), 'syncstorm-outputs-'));
const file = join(dir, 'a-file');
const folder = join(dir, 'a-folder');
const fifo = join(dir, 'a-fifo');
const readOnly = join(dir, 'read-only');
/** Writable by anyone (the unwritable-folder case runs as nobody). */
const open = join(dir, 'open');
/** A report root that must never appear: a command that started work would create it. */
const untouched = join(open, 'never-written');
/** A gate that would run for hours: a million seeds of 1000 devices. */
const LONG_GATE = ['gate', '--seeds', '1000000', '--devices', '1000', '--ops', '10000', '--workers', '1'];
const SCENARIO = 'scenarios/upload-timeout-and-kill.json';
/** Each case is one process start (the tsx loader): generous on a loaded machine, far below a gate's hours. */
const CASE_TIMEOUT_MS = 900_000; // a hang guard (issue 19: no test depends on wall time)

let busy: Server;
let busyPort = 0;

beforeAll(async () => {
  writeFileSync(file, 'x');
  mkdirSync(folder);
  mkdirSync(readOnly);
  mkdirSync(open);
  chmodSync(dir, 0o755);
  chmodSync(open, 0o777);
  chmodSync(readOnly, 0o555);
  spawnSync('mkfifo', [fifo]);
  busy = createServer();
  await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

function syncstorm(args: readonly string[], options: { env?: Record<string, string>; asNobody?: boolean } = {}) {
  const nobody = options.asNobody === true && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: CASE_TIMEOUT_MS,
    ...nobody,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectRefused(result: ReturnType<typeof syncstorm>, ...named: string[]): void {
  expect(result.status, result.stderr).toBe(2);
  expect(isOneLineMessage(result.stderr), result.stderr).toBe(true);
  expect(result.stderr).not.toMatch(/internal error/);
  for (const text of named) expect(result.stderr).toContain(text);
  expect(result.stdout).toBe('');
  expect(existsSync(untouched)).toBe(false);
}

describe('bad output paths stop a long gate before it starts', () => {
  const cases: [string, () => string[], string[]][] = [
    ['--report that is a file', () => ['--report', file], ['--report', file, 'is a file']],
    ['--report under a file', () => ['--report', join(file, 'r')], ['--report', file, 'under']],
    ['--report under /proc', () => ['--report', '/proc/self/reports'], ['--report', '/proc']],
    ['--junit that is a folder', () => ['--report', untouched, '--junit', folder], ['--junit', 'is a directory']],
    ['--junit ending in /', () => ['--report', untouched, '--junit', join(dir, 'new/')], ['--junit', 'is a directory']],
    [
      '--junit in a missing folder under a file',
      () => ['--report', untouched, '--junit', join(file, 'x', 'j.xml')],
      ['--junit', 'under'],
    ],
    ['--junit that is a FIFO', () => ['--report', untouched, '--junit', fifo], ['--junit', 'FIFO']],
    ['--junit that is a device', () => ['--report', untouched, '--junit', '/dev/null'], ['--junit', 'device']],
    ['--junit under /sys', () => ['--report', untouched, '--junit', '/sys/kernel/j.xml'], ['--junit', '/sys']],
  ];
  for (const [what, args, named] of cases) {
    it(what, { timeout: CASE_TIMEOUT_MS }, () => {
      const before = readdirSync(dir).sort();
      expectRefused(syncstorm([...LONG_GATE, ...args()]), ...named);
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }

  it('--junit in a folder this user cannot write', { timeout: CASE_TIMEOUT_MS }, () => {
    const result = syncstorm([...LONG_GATE, '--report', untouched, '--junit', join(readOnly, 'j.xml')], {
      asNobody: true,
    });
    expectRefused(result, '--junit', 'not writable');
  });
});

describe('replay --trace', () => {
  it('a folder or a path under a file is refused before the run', { timeout: CASE_TIMEOUT_MS }, () => {
    expectRefused(syncstorm(['replay', SCENARIO, '--trace', folder]), '--trace', 'is a directory');
    expectRefused(syncstorm(['replay', SCENARIO, '--trace', join(file, 't.jsonl')]), '--trace', 'under');
  });

  it('says it wrote the trace only when it did', { timeout: CASE_TIMEOUT_MS }, () => {
    const trace = join(open, 'new', 'trace.jsonl');
    const replay = syncstorm(['replay', SCENARIO, '--trace', trace]);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stderr).toBe(`trace written to ${trace}\n`);
    expect(readFileSync(trace, 'utf8').split('\n').length).toBeGreaterThan(10);
  });
});

describe('ports and hosts', () => {
  const cases: [string, () => string[], string[]][] = [
    ['serve on a busy port', () => ['serve', '--port', String(busyPort)], ['--port', 'in use']],
    ['proxy on a busy port', () => ['proxy', '--port', String(busyPort)], ['--port', 'in use']],
    [
      'chaos with its server on a busy port',
      () => ['chaos', '--server-port', String(busyPort), '--report', untouched],
      ['--server-port', 'in use'],
    ],
    ['serve --host ""', () => ['serve', '--host', ''], ['--host']],
    ['serve --host 0.0.0.0 without --allow-remote', () => ['serve', '--host', '0.0.0.0'], ['--host', '--allow-remote']],
    ['proxy --host :: without --allow-remote', () => ['proxy', '--host', '::'], ['--host', '--allow-remote']],
    ['chaos --server-host 0.0.0.0', () => ['chaos', '--server-host', '0.0.0.0'], ['--server-host', '--allow-remote']],
    ['chaos --proxy-listen 0.0.0.0:0', () => ['chaos', '--proxy-listen', '0.0.0.0:0'], ['--proxy-listen']],
    [
      'proxy --config that is a FIFO (reading it would hang)',
      () => ['proxy', '--port', '0', '--config', fifo],
      ['--config', 'not a regular file'],
    ],
    [
      'serve on an address this machine does not have',
      () => ['serve', '--host', '192.0.2.1', '--allow-remote', '--port', '0'],
      ['--host', '192.0.2.1'],
    ],
  ];
  for (const [what, args, named] of cases) {
    it(what, { timeout: CASE_TIMEOUT_MS }, () => {
      const result = syncstorm(args());
      // A warning line may precede the refusal when --allow-remote was given.
      const stderr = result.stderr.replace(/^warning: .*\n/, '');
      expectRefused({ ...result, stderr }, ...named);
    });
  }

  it('a malformed SYNCSTORM_TOKEN is refused naming the variable', { timeout: CASE_TIMEOUT_MS }, () => {
    expectRefused(syncstorm(['serve', '--port', '0'], { env: { SYNCSTORM_TOKEN: 'has spaces' } }), 'SYNCSTORM_TOKEN');
  });
});

describe('a write that fails at the end', () => {
  it('is one line naming the flag (a full disk: /dev/full)', () => {
    const io = recordingIo();
    const write = () => emitReports(io, 'run', { junit: '/dev/full' }, { results: [] }, { alwaysWrite: false });
    expect(write).toThrow(/^\[syncstorm\] --junit '\/dev\/full': could not write the output: ENOSPC/);
  });
});
