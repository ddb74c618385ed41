/**
 * @module client/process/channel
 * A synchronous line channel to a child process. The simulator's run loop lets only
 * promise continuations run between two events, so reading the child's stdout (real I/O)
 * cannot be left to the event loop: the child would answer after virtual time moved on.
 * Instead this thread does blocking reads of the child's stdout (a pipe with blocking
 * ends, made by the worker) and writes its stdin directly. A worker thread
 * (pipe-worker.mjs) spawns the children, forwards their stderr and exit (read with
 * `receiveMessageOnPort` after an `Atomics.wait`), and is the watchdog that ends a read
 * which outlasts its real-time bound. One worker serves every channel of the process.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { realNowMs } from '../../kernel/real-time.ts'; // allowed: real-time bounds on a child process

export type ChannelRead = { line: string } | { exit: ChannelExit } | { stdoutClosed: true } | { timeout: true };

export interface ChannelExit {
  code: number | null;
  signal: string | null;
  /** The process could not be started at all. */
  error?: string;
}

export interface ChannelOptions {
  /** Run as `/bin/sh -c "exec <command>"`. */
  command: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

type WorkerMessage =
  | { kind: 'spawned'; pid?: number; stdinFd?: number }
  | { kind: 'stderr'; text: string }
  | { kind: 'exit'; code: number | null; signal: string | null; error?: string };

/** Bytes of the child's stderr kept for error messages. */
export const STDERR_TAIL_MAX = 4_096;
/** Bound on waiting for a killed child to be gone. */
export const KILL_WAIT_MS = 5_000;
/** Bound on waiting for a child to read what fills its stdin's buffer. */
const WRITE_WAIT_MS = 20_000;
/** How long a child whose stdout ended may take to exit before it counts as one that closed its stdout, ms. */
const STDOUT_CLOSED_GRACE_MS = 200;
/** States of a read shared with the worker's watchdog (pipe-worker.mjs); a positive number is a read in progress. */
const READ_IDLE = 0;
const READ_WAKING = -2;
const READ_GENERATION_MAX = 0x3fff_ffff;

let hub: Worker | undefined;

function pipeWorker(): Worker {
  if (hub === undefined) {
    hub = new Worker(new URL('./pipe-worker.mjs', import.meta.url));
    hub.unref();
    hub.on('error', () => {
      hub = undefined;
    });
  }
  return hub;
}

/**
 * A pipe with blocking ends for a child's stdout (Node gives child processes socket pairs,
 * which are non-blocking and cannot be reopened): a FIFO, opened at both ends, then
 * unlinked. Opened with O_CLOEXEC (libuv's default), so no other child inherits them.
 */
function makePipe(): { readFd: number; writeFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'syncstorm-pipe-'));
  const path = join(dir, 'stdout');
  try {
    execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
    const keep = openSync(path, constants.O_RDWR); // a writer, so that opening the reader does not block
    const readFd = openSync(path, constants.O_RDONLY);
    const writeFd = openSync(path, constants.O_WRONLY);
    closeSync(keep);
    return { readFd, writeFd };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Real time, for the bounds on a child's turn (the captured real clock: this runs inside a device). */
const realNow = realNowMs;

export class ProcessChannel {
  private static idNext = 1;
  private readonly id = ProcessChannel.idNext++;
  private readonly worker = pipeWorker();
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** [state, bound in ms] of the blocking read in progress, watched by the worker. */
  private readonly reading = new Int32Array(new SharedArrayBuffer(8));
  private generation = 0;
  private readonly lines: string[] = [];
  private lineIndex = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk = Buffer.alloc(65_536);
  private stderrText = '';
  private exited: ChannelExit | undefined;
  private spawned = false;
  private pidNumber: number | undefined;
  /** The child's stdin, written directly by this thread (the worker owns it and closes it only when told). */
  private stdinFd: number | undefined;
  /** The read end of the child's stdout, this thread's own (closed by `kill`). */
  private stdoutFd: number | undefined;
  /** Its write end, closed once the worker has given it to the child. */
  private stdoutWriteFd: number | undefined;
  private stdoutEnded = false;
  private ended = false;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  constructor(options: ChannelOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    let pipe: { readFd: number; writeFd: number };
    try {
      pipe = makePipe();
    } catch (error) {
      this.exited = { code: null, signal: null, error: `no pipe for its stdout: ${(error as Error).message}` };
      return;
    }
    this.stdoutFd = pipe.readFd;
    this.stdoutWriteFd = pipe.writeFd;
    const message = {
      op: 'spawn',
      id: this.id,
      ...options,
      port: port2,
      signal: this.signal.buffer,
      read: this.reading.buffer,
      stdoutFd: pipe.readFd,
      stdoutWriteFd: pipe.writeFd,
    };
    this.worker.postMessage(message, [port2]);
  }

  /** How the process ended, once it has. */
  get exit(): ChannelExit | undefined {
    this.drain();
    return this.exited;
  }

  /** The child's process id, once it started. */
  get pid(): number | undefined {
    this.drain();
    return this.pidNumber;
  }

  /** The end of what the child wrote on stderr. */
  get stderr(): string {
    this.drain();
    return this.stderrText;
  }

  /**
   * Writes one line to the child's stdin, from this thread (no hop through the worker),
   * ignored once the child exited or its stdin was closed: the next read reports the exit.
   */
  send(line: string): void {
    if (!this.spawned && !this.waitSpawned(KILL_WAIT_MS)) return;
    const fd = this.ended || this.exited !== undefined ? undefined : this.stdinFd;
    if (fd === undefined) return;
    const bytes = Buffer.from(`${line}\n`);
    const deadline = realNow() + WRITE_WAIT_MS;
    for (let offset = 0; offset < bytes.length; ) {
      try {
        offset += writeSync(fd, bytes, offset);
      } catch (error) {
        // The socket is non-blocking: a full buffer waits for the child to read (bounded).
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || realNow() > deadline) return;
        Atomics.wait(this.pause, 0, 0, 1);
      }
    }
  }

  /** Blocks until the child's next line, its exit, the end of its stdout, or `timeoutMs` of real time. */
  read(timeoutMs: number): ChannelRead {
    const deadline = realNow() + timeoutMs;
    if (!this.spawned && !this.waitSpawned(timeoutMs))
      return this.exited !== undefined ? { exit: this.exited } : { timeout: true };
    for (;;) {
      if (this.lineIndex < this.lines.length) {
        const line = this.lines[this.lineIndex++] as string;
        if (this.lineIndex === this.lines.length) this.lines.length = this.lineIndex = 0;
        return { line };
      }
      if (this.stdoutEnded || this.stdoutFd === undefined) return this.afterStdout();
      const remainingMs = deadline - realNow();
      if (remainingMs <= 0 || !this.fill(remainingMs)) return { timeout: true };
    }
  }

  /** Closes the child's stdin: a well-behaved client exits. */
  end(): void {
    this.ended = true;
    this.worker.postMessage({ op: 'end', id: this.id });
  }

  /** SIGKILL to the child's process group, then waits (bounded) until it is gone. */
  kill(): void {
    if (this.exit === undefined) {
      this.worker.postMessage({ op: 'kill', id: this.id });
      const deadline = realNow() + KILL_WAIT_MS;
      while (this.exit === undefined && realNow() < deadline) {
        const seen = Atomics.load(this.signal, 0);
        if (!this.drain()) Atomics.wait(this.signal, 0, seen, Math.max(1, deadline - realNow()));
      }
    }
    this.lines.length = this.lineIndex = 0;
    this.partial = '';
    this.stdoutEnded = true;
    this.closeStdoutWriter();
    if (this.stdoutFd !== undefined) closeSync(this.stdoutFd);
    this.stdoutFd = undefined;
  }

  /** The child has its own copy of its stdout (or never will): ours would hide the end of its output. */
  private closeStdoutWriter(): void {
    if (this.stdoutWriteFd !== undefined) closeSync(this.stdoutWriteFd);
    this.stdoutWriteFd = undefined;
  }

  /** Waits (bounded) until the worker has spawned the child; false if it has not (or could not). */
  private waitSpawned(timeoutMs: number): boolean {
    const deadline = realNow() + timeoutMs;
    while (!this.spawned && this.exited === undefined && realNow() < deadline) {
      const seen = Atomics.load(this.signal, 0);
      if (!this.drain()) Atomics.wait(this.signal, 0, seen, Math.max(1, deadline - realNow()));
    }
    return this.spawned;
  }

  /**
   * One blocking read of the child's stdout, watched by the worker: false if the read
   * outlasted `timeoutMs` (the worker then killed the child and woke the read).
   */
  private fill(timeoutMs: number): boolean {
    const fd = this.stdoutFd as number;
    const generation = (this.generation % READ_GENERATION_MAX) + 1;
    this.generation = generation;
    Atomics.store(this.reading, 1, Math.min(Math.ceil(timeoutMs), 0x7fff_ffff));
    Atomics.store(this.reading, 0, generation);
    let count = 0;
    try {
      count = readSync(fd, this.chunk, 0, this.chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EINTR') count = 0;
      else count = -1;
    } finally {
      if (Atomics.compareExchange(this.reading, 0, generation, READ_IDLE) !== generation) {
        // The watchdog ended this read: once it has written its wake-up, the read is over.
        while (Atomics.load(this.reading, 0) === READ_WAKING) Atomics.wait(this.reading, 0, READ_WAKING, 1_000);
        Atomics.store(this.reading, 0, READ_IDLE);
        count = -2;
      }
    }
    if (count === -2) return false;
    if (count === 0) {
      this.stdoutEnded = true;
      const rest = this.partial + this.decoder.end();
      this.partial = '';
      if (rest !== '') this.lines.push(rest);
    } else if (count > 0) {
      const parts = (this.partial + this.decoder.write(this.chunk.subarray(0, count))).split('\n');
      this.partial = parts.pop() ?? '';
      for (const part of parts) this.lines.push(part);
    }
    return true;
  }

  /**
   * The child's stdout ended: it exited (reported once the worker saw it, within a short
   * grace), or it closed its stdout and lives on (it can never answer).
   */
  private afterStdout(): ChannelRead {
    const deadline = realNow() + STDOUT_CLOSED_GRACE_MS;
    while (this.exit === undefined && realNow() < deadline) {
      const seen = Atomics.load(this.signal, 0);
      if (!this.drain()) Atomics.wait(this.signal, 0, seen, Math.max(1, deadline - realNow()));
    }
    return this.exited !== undefined ? { exit: this.exited } : { stdoutClosed: true };
  }

  /** Moves what the worker posted into this channel's state; true if there was anything. */
  private drain(): boolean {
    let any = false;
    for (let next = receiveMessageOnPort(this.port); next !== undefined; next = receiveMessageOnPort(this.port)) {
      any = true;
      const message = next.message as WorkerMessage;
      if (message.kind === 'spawned') {
        this.spawned = true;
        this.pidNumber = message.pid;
        this.stdinFd = message.stdinFd;
        this.closeStdoutWriter();
      } else if (message.kind === 'stderr') this.stderrText = (this.stderrText + message.text).slice(-STDERR_TAIL_MAX);
      else {
        this.exited = {
          code: message.code,
          signal: message.signal,
          ...(message.error ? { error: message.error } : {}),
        };
        // Nothing is written from now on: the worker may close the child's stdin.
        this.worker.postMessage({ op: 'release', id: this.id });
        this.closeStdoutWriter();
      }
    }
    return any;
  }
}
