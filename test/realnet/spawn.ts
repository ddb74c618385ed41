/**
 * Runs the real `syncstorm` binary as a child process without blocking this process (the
 * tests serve HTTP from here while the child talks to it), with a hard time bound. The bounds
 * are hang guards, far above a normal start or run even on a busy machine (issue 19: a CLI's
 * start-up took over 20 s beside two CPU hogs on a shared 2-core machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/syncstorm.mjs');
const running = new Set<ChildProcess>();

/** Kills every child still running (call after each test: a failed test must not leak a server). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null if killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout matches `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Hang guard on one child, ms. */
const CHILD_GUARD_MS = 600_000;
/** Hang guard on waiting for a line of a child's stdout, ms. */
const WAIT_GUARD_MS = 300_000;

export function start(args: readonly string[], timeoutMs = CHILD_GUARD_MS): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  running.add(child);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      clearTimeout(killer);
      done({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp, waitMs = WAIT_GUARD_MS) =>
    new Promise<RegExpExecArray>((resolvePattern, reject) => {
      const started = performance.now();
      const poll = setInterval(() => {
        const match = pattern.exec(stdout);
        if (match !== null) {
          clearInterval(poll);
          resolvePattern(match);
        } else if (performance.now() - started > waitMs || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no ${pattern} in stdout: ${stdout} / stderr: ${stderr}`));
        }
      }, 25);
    });
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited, waitFor };
}

/** Runs to the end; resolves with the exit code and both outputs. */
export async function run(
  args: readonly string[],
  timeoutMs = CHILD_GUARD_MS,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(args, timeoutMs);
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
