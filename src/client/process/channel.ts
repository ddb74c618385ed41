/**
 * @module client/process/channel
 * A synchronous line channel to a child process. The simulator's run loop lets only
 * promise continuations run between two events, so reading the child's stdout (real I/O)
 * cannot be left to the event loop: the child would answer after virtual time moved on.
 * Instead a worker thread (pipe-worker.mjs) owns the pipes, and this thread blocks in
 * `Atomics.wait` until the worker has posted the child's next line (read with
 * `receiveMessageOnPort`), its exit, or a real-time deadline passes. One worker serves
 * every channel of the process.
 */
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
  | { kind: 'lines'; lines: string[] }
  | { kind: 'pid'; pid: number }
  | { kind: 'stderr'; text: string }
  | { kind: 'stdout-closed' }
  | { kind: 'exit'; code: number | null; signal: string | null; error?: string };

/** Bytes of the child's stderr kept for error messages. */
export const STDERR_TAIL_MAX = 4_096;
/** Bound on waiting for a killed child to be gone. */
export const KILL_WAIT_MS = 5_000;

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

/** Real time, for the bounds on a child's turn (the captured real clock: this runs inside a device). */
const realNow = realNowMs;

export class ProcessChannel {
  private static idNext = 1;
  private readonly id = ProcessChannel.idNext++;
  private readonly worker = pipeWorker();
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly lines: string[] = [];
  private lineIndex = 0;
  private stderrText = '';
  private exited: ChannelExit | undefined;
  private stdoutClosed = false;
  private pidNumber: number | undefined;

  constructor(options: ChannelOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const message = { op: 'spawn', id: this.id, ...options, port: port2, signal: this.signal.buffer };
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

  /** Writes one line to the child's stdin (ignored once it exited: the next read reports the exit). */
  send(line: string): void {
    if (this.exited === undefined) this.worker.postMessage({ op: 'write', id: this.id, data: `${line}\n` });
  }

  /** Blocks until the child's next line, its exit, the end of its stdout, or `timeoutMs` of real time. */
  read(timeoutMs: number): ChannelRead {
    const deadline = realNow() + timeoutMs;
    for (;;) {
      if (this.lineIndex < this.lines.length) {
        const line = this.lines[this.lineIndex++] as string;
        if (this.lineIndex === this.lines.length) this.lines.length = this.lineIndex = 0;
        return { line };
      }
      if (this.exited !== undefined) return { exit: this.exited };
      if (this.stdoutClosed) return { stdoutClosed: true };
      const seen = Atomics.load(this.signal, 0);
      if (this.drain()) continue;
      const remainingMs = deadline - realNow();
      if (remainingMs <= 0) return { timeout: true };
      Atomics.wait(this.signal, 0, seen, remainingMs);
    }
  }

  /** Closes the child's stdin: a well-behaved client exits. */
  end(): void {
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
  }

  /** Moves what the worker posted into this channel's buffers; true if there was anything. */
  private drain(): boolean {
    let any = false;
    for (let next = receiveMessageOnPort(this.port); next !== undefined; next = receiveMessageOnPort(this.port)) {
      any = true;
      const message = next.message as WorkerMessage;
      if (message.kind === 'lines') this.lines.push(...message.lines);
      else if (message.kind === 'pid') this.pidNumber = message.pid;
      else if (message.kind === 'stderr') this.stderrText = (this.stderrText + message.text).slice(-STDERR_TAIL_MAX);
      else if (message.kind === 'stdout-closed') this.stdoutClosed = true;
      else
        this.exited = {
          code: message.code,
          signal: message.signal,
          ...(message.error ? { error: message.error } : {}),
        };
    }
    return any;
  }
}
