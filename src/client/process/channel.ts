/**
 * @module client/process/channel
 * A synchronous line channel to a child process. The simulator's run loop lets only
 * promise continuations run between two events, so reading the child's stdout (real I/O)
 * cannot be left to the event loop: the child would answer after virtual time moved on.
 * Instead this thread does blocking reads of the child's stdout (a pipe with blocking
 * ends, made by the worker) and writes its stdin directly. A worker thread
 * (pipe-worker.mjs) spawns the children, forwards their stderr and exit (read with
 * `receiveMessageOnPort` after an `Atomics.wait`), and is the watchdog that ends a read
 * which outlasts its real-time bound. One worker serves every channel of the process; if
 * it dies, every channel it served fails loudly (a syncstorm bug, never the client's), and
 * the next channel gets a new one. A second worker (read-guard.mjs) guards the first: if
 * it stops without a word (terminated, out of memory) or hangs while a read waits, the
 * guard ends that read after HEARTBEAT_STALE_MS, so that no read waits without bound.
 * Both workers and the blocking pipes live in pipe-hub.ts.
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { realNowMs } from '../../kernel/real-time.ts'; // allowed: real-time bounds on a child process
import { GONE_SILENT, HEARTBEAT_STALE_MS, hubGone, isGone, KILL_WAIT_MS, makePipe, pipeHub } from './pipe-hub.ts';

export { HEARTBEAT_STALE_MS, KILL_WAIT_MS, pipeWorkerOfChannels } from './pipe-hub.ts';

export type ChannelRead =
  | { line: string }
  | { exit: ChannelExit }
  | { stdoutClosed: true }
  | { timeout: true }
  /** The child broke the channel (it was killed): what it did, e.g. it did not read its stdin. */
  | { failed: string };

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
  /** Bound on a child reading what fills its stdin's buffer, ms (default 20 s). */
  writeTimeoutMs?: number;
}

type WorkerMessage =
  | { kind: 'spawned'; pid?: number; stdinFd?: number }
  | { kind: 'stderr'; text: string }
  | { kind: 'exit'; code: number | null; signal: string | null; error?: string };

/** Bytes of the child's stderr kept for error messages. */
export const STDERR_TAIL_MAX = 4_096;
/** Bound on waiting for a killed child to be gone. */
/** Bound on waiting for a child to read what fills its stdin's buffer. */
const WRITE_WAIT_MS = 20_000;
/** Bound on the worker finishing the wake-up of a read it ended (microseconds of work when alive). */
const WAKE_WAIT_MS = 5_000;
/** How long a child whose stdout ended may take to exit before it counts as one that closed its stdout, ms. */
const STDOUT_CLOSED_GRACE_MS = 200;
/** States of a read shared with the worker's watchdog (pipe-worker.mjs, read-wake.mjs); a positive number is a read in progress. */
const READ_IDLE = 0;
const READ_WAKING = -2;
const READ_EXIT_WOKEN = -3;
const READ_GENERATION_MAX = 0x3fff_ffff;

/** Real time, for the bounds on a child's turn (the captured real clock: this runs inside a device). */
const realNow = realNowMs;

export class ProcessChannel {
  private static idNext = 1;
  private readonly id = ProcessChannel.idNext++;
  private readonly hub = pipeHub();
  private readonly worker = this.hub.worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** [state, bound in ms, child's pid, exited] of the blocking read in progress, watched by the worker (read-wake.mjs). */
  private readonly reading = new Int32Array(new SharedArrayBuffer(16));
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
  private stdoutEnded = false;
  private ended = false;
  /** `kill` ran: nothing is written or read any more. */
  private closed = false;
  /** Why the child broke the channel (it was killed), reported by every read from then on. */
  private failure: string | undefined;
  private readonly writeTimeoutMs: number;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  constructor({ writeTimeoutMs = WRITE_WAIT_MS, ...options }: ChannelOptions) {
    this.writeTimeoutMs = writeTimeoutMs;
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
    // The write end is the worker's from now on: it closes it once the child has its copy.
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
    const watched = { op: 'watch', id: this.id, read: this.reading.buffer, signal: this.signal.buffer };
    this.hub.guard.postMessage({ ...watched, stdoutFd: pipe.readFd });
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
   * A line is written whole or not at all: a child that does not read it within the
   * bound breaks the channel (it is killed, and the next read says so).
   */
  send(line: string): void {
    this.checkHub();
    if (this.closed || this.failure !== undefined) return;
    if (!this.spawned && !this.waitSpawned(this.writeTimeoutMs)) {
      this.checkHub();
      // Not started at all: the next read reports why. Not started yet: never a lost line.
      if (this.exited === undefined) this.breakDown(`was not started within ${this.writeTimeoutMs} ms of real time`);
      return;
    }
    const fd = this.ended || this.exited !== undefined ? undefined : this.stdinFd;
    if (fd === undefined) return;
    const bytes = Buffer.from(`${line}\n`);
    const deadline = realNow() + this.writeTimeoutMs;
    for (let offset = 0; offset < bytes.length; ) {
      try {
        offset += writeSync(fd, bytes, offset);
      } catch (error) {
        const { code, message } = error as NodeJS.ErrnoException;
        // The socket is non-blocking: a full buffer waits for the child to read (bounded).
        if (code === 'EAGAIN' && realNow() <= deadline) Atomics.wait(this.pause, 0, 0, 1);
        else if (code === 'EPIPE')
          return; // it closed its stdin or exited: the next read tells which
        else {
          const what =
            code === 'EAGAIN'
              ? `did not read its stdin within ${this.writeTimeoutMs} ms of real time (${offset} of a line's ${bytes.length} bytes were taken; it was killed)`
              : `could not be written to (${message}; it was killed)`;
          this.breakDown(what);
          return;
        }
      }
    }
  }

  /**
   * Blocks until the child's next line, its exit, the end of its stdout, or `timeoutMs` of
   * real time. Throws if the worker died (a syncstorm bug).
   */
  read(timeoutMs: number): ChannelRead {
    this.checkHub();
    if (this.failure !== undefined) return { failed: this.failure };
    const deadline = realNow() + timeoutMs;
    if (!this.spawned && !this.waitSpawned(timeoutMs)) {
      this.checkHub();
      return this.exited !== undefined ? { exit: this.exited } : { timeout: true };
    }
    for (;;) {
      if (this.lineIndex < this.lines.length) {
        const line = this.lines[this.lineIndex++] as string;
        if (this.lineIndex === this.lines.length) this.lines.length = this.lineIndex = 0;
        return { line };
      }
      if (this.stdoutEnded || this.stdoutFd === undefined) return this.afterStdout();
      // Once the child exited, its stdout holds what it wrote, and nothing more will come
      // from it: a process it started may hold the pipe open, but the read does not wait.
      if (this.exited !== undefined && this.fillNow()) continue;
      const remainingMs = deadline - realNow();
      if (remainingMs <= 0) return { timeout: true };
      const filled = this.fill(remainingMs);
      if (filled === 'timeout') return { timeout: true };
      if (filled === 'woken') this.take(0); // it exited a while ago, and its stdout was empty
    }
  }

  /** Closes the child's stdin: a well-behaved client exits. */
  end(): void {
    this.ended = true;
    this.worker.postMessage({ op: 'end', id: this.id });
  }

  /**
   * SIGKILL to the child's process group, then waits (bounded) until it is gone, and closes
   * the channel: the worker forgets the child once it exited (even if that is after this
   * gave up waiting).
   */
  kill(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.exit === undefined && isGone(this.hub) && this.pidNumber !== undefined) {
      // Nothing reaps it now (a zombie keeps its pid): its group is still its own.
      try {
        process.kill(-this.pidNumber, 'SIGKILL');
      } catch {
        // already gone
      }
    } else if (this.exit === undefined) {
      this.worker.postMessage({ op: 'kill', id: this.id });
      const deadline = realNow() + KILL_WAIT_MS;
      while (this.exit === undefined && !isGone(this.hub) && realNow() < deadline) {
        const seen = Atomics.load(this.signal, 0);
        if (!this.drain()) Atomics.wait(this.signal, 0, seen, Math.max(1, deadline - realNow()));
      }
    }
    this.lines.length = this.lineIndex = 0;
    this.partial = '';
    this.stdoutEnded = true;
    if (this.stdoutFd !== undefined) closeSync(this.stdoutFd);
    this.stdoutFd = undefined;
    this.worker.postMessage({ op: 'close', id: this.id });
    this.hub.guard.postMessage({ op: 'forget', id: this.id });
  }

  /** The child broke the channel: it is killed (without waiting), and every read reports `what`. */
  private breakDown(what: string): void {
    this.failure = what;
    if (this.exit === undefined) this.worker.postMessage({ op: 'kill', id: this.id });
  }

  /** Throws if the worker died: nothing watches this channel's reads or reports its child's exit any more. */
  private checkHub(): void {
    if (!isGone(this.hub)) return;
    if (Atomics.load(this.hub.gone, 0) === GONE_SILENT && this.hub.reason === undefined) {
      // Its exit (if it exited) is an event this thread has not run yet: the guard saw it first.
      const silent = `it gave no sign of life for ${HEARTBEAT_STALE_MS} ms of real time while a read waited: it stopped without running its exit handler, or hangs; the read guard ended the read`;
      hubGone(this.hub, silent);
      void this.worker.terminate();
    }
    const why = this.hub.reason === undefined ? '' : ` (${this.hub.reason})`;
    throw new Error(
      `[syncstorm] the worker thread of the process clients stopped${why}: a syncstorm bug; its children were killed`,
    );
  }

  /** Waits (bounded) until the worker has spawned the child; false if it has not (or could not). */
  private waitSpawned(timeoutMs: number): boolean {
    const deadline = realNow() + timeoutMs;
    while (!this.spawned && this.exited === undefined && !isGone(this.hub) && realNow() < deadline) {
      const seen = Atomics.load(this.signal, 0);
      if (!this.drain()) Atomics.wait(this.signal, 0, seen, Math.max(1, deadline - realNow()));
    }
    return this.spawned;
  }

  /**
   * What the child's stdout holds now, read without blocking (through /proc on Linux), for a
   * child that exited; the end of its stdout if it holds nothing. False if it cannot be read
   * so: then a blocking read, which the worker ends soon after the exit, does.
   */
  private fillNow(): boolean {
    let fd: number;
    try {
      fd = openSync(`/proc/self/fd/${this.stdoutFd}`, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return false;
    }
    let count = 0;
    try {
      count = readSync(fd, this.chunk, 0, this.chunk.length, null);
    } catch {
      count = 0; // EAGAIN: empty, though another process still holds it open
    } finally {
      closeSync(fd);
    }
    this.take(count);
    return true;
  }

  /**
   * One blocking read of the child's stdout, watched by the worker: 'timeout' if the read
   * outlasted `timeoutMs` (the worker then killed the child and woke the read), 'woken' if
   * the worker ended it a while after the child exited.
   */
  private fill(timeoutMs: number): 'read' | 'timeout' | 'woken' {
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
    }
    const state = Atomics.compareExchange(this.reading, 0, generation, READ_IDLE);
    if (state !== generation) return this.woken();
    this.take(count);
    return 'read';
  }

  /**
   * The watchdog ended the read (what it returned is dropped: the newline written to end
   * it, or output of a process the child started): once it has finished the wake-up, the
   * read is over. It takes it microseconds; one that takes seconds is a worker gone wrong.
   */
  private woken(): 'timeout' | 'woken' {
    const deadline = realNow() + WAKE_WAIT_MS;
    while (Atomics.load(this.reading, 0) === READ_WAKING && !isGone(this.hub) && realNow() < deadline)
      Atomics.wait(this.reading, 0, READ_WAKING, 100);
    const state = Atomics.exchange(this.reading, 0, READ_IDLE);
    if (state === READ_WAKING && !isGone(this.hub)) {
      hubGone(this.hub, `it did not finish ending a read within ${WAKE_WAIT_MS} ms`);
      void this.worker.terminate();
    }
    this.checkHub();
    return state === READ_EXIT_WOKEN ? 'woken' : 'timeout';
  }

  /** Takes `count` bytes read into the chunk: lines, or (0) the end of the child's stdout; -1: nothing. */
  private take(count: number): void {
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
    if (this.exited === undefined) this.checkHub();
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
      } else if (message.kind === 'stderr') this.stderrText = (this.stderrText + message.text).slice(-STDERR_TAIL_MAX);
      else {
        this.exited = {
          code: message.code,
          signal: message.signal,
          ...(message.error ? { error: message.error } : {}),
        };
        // Nothing is written from now on: the worker may close the child's stdin.
        this.worker.postMessage({ op: 'release', id: this.id });
      }
    }
    return any;
  }
}
