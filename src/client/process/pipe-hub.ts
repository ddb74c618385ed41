/**
 * @module client/process/pipe-hub
 * The workers behind every process channel of this process (channel.ts): the pipe worker
 * (pipe-worker.mjs) spawns the children, forwards their stderr and exits, and is the
 * watchdog that ends a read past its real-time bound; its read guard (read-guard.mjs) ends a
 * read if the pipe worker stops without a word or hangs. One hub serves every channel; when
 * it dies, the channels it served fail loudly and the next channel gets a new one. Also the
 * blocking pipes those reads use (makePipe).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Bound on a child's exit after a kill, and on mkfifo, ms (real time). */
export const KILL_WAIT_MS = 5_000;
/**
 * A silent pipe worker (no watchdog tick) is declared gone after this long while a read
 * waits: an outer wall-time guard (the watchdog ticks every 50 ms), reported as such.
 */
export const HEARTBEAT_STALE_MS = 5_000;
/** Values of `Hub.gone[0]`: set by the worker as it dies of an error (or by its events), or by the guard. */
const GONE = 1;
export const GONE_SILENT = 2;

/**
 * The worker, its guard, and its death: `gone[0]` is set by the worker as it dies of an
 * error or by its events (GONE), or by the guard when it fell silent (GONE_SILENT);
 * `reason` by its events. `beat[0]` is its heartbeat.
 */
export interface Hub {
  readonly worker: Worker;
  readonly guard: Worker;
  readonly gone: Int32Array;
  reason: string | undefined;
}

let hub: Hub | undefined;

export function pipeHub(): Hub {
  if (hub === undefined || isGone(hub)) {
    const gone = new Int32Array(new SharedArrayBuffer(4));
    const beat = new Int32Array(new SharedArrayBuffer(4));
    // It closes descriptors this thread opened (the write end of each child's stdout).
    const worker = new Worker(new URL('./pipe-worker.mjs', import.meta.url), {
      workerData: { gone: gone.buffer, beat: beat.buffer },
      trackUnmanagedFds: false,
    });
    const guard = new Worker(new URL('./read-guard.mjs', import.meta.url), {
      workerData: { gone: gone.buffer, beat: beat.buffer, staleMs: HEARTBEAT_STALE_MS },
    });
    const made: Hub = { worker, guard, gone, reason: undefined };
    worker.unref();
    guard.unref();
    worker.on('error', (error: unknown) =>
      hubGone(made, `it threw ${error instanceof Error ? error.message : String(error)}`),
    );
    worker.on('exit', (code) => hubGone(made, `it exited with code ${code}`));
    // Without its guard nothing would end a read if the worker then stopped without a word: as loud as its death.
    guard.on('error', (error: unknown) => {
      hubGone(made, `its read guard threw ${error instanceof Error ? error.message : String(error)}`);
      void worker.terminate();
    });
    hub = made;
  }
  return hub;
}

export function isGone(made: Hub): boolean {
  return Atomics.load(made.gone, 0) !== 0;
}

export function hubGone(made: Hub, reason: string): void {
  made.reason ??= reason;
  Atomics.compareExchange(made.gone, 0, 0, GONE);
  if (hub === made) hub = undefined;
  void made.guard.terminate();
}

/** The worker of this process's channels, for a test that makes it die. */
export function pipeWorkerOfChannels(): Worker {
  return pipeHub().worker;
}

/**
 * A pipe with blocking ends for a child's stdout (Node gives child processes socket pairs,
 * which are non-blocking and cannot be reopened): a FIFO, opened at both ends, then
 * unlinked. Opened with O_CLOEXEC (libuv's default), so no other child inherits them.
 */
export function makePipe(): { readFd: number; writeFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'syncstorm-pipe-'));
  const path = join(dir, 'stdout');
  const opened: number[] = [];
  try {
    execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore', timeout: KILL_WAIT_MS }); // bounded, as every wait here
    opened.push(openSync(path, constants.O_RDWR)); // a writer, so that opening the reader does not block
    opened.push(openSync(path, constants.O_RDONLY));
    opened.push(openSync(path, constants.O_WRONLY));
    const [keep, readFd, writeFd] = opened as [number, number, number];
    opened.length = 0;
    closeSync(keep);
    return { readFd, writeFd };
  } finally {
    for (const fd of opened) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
