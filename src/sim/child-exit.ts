/**
 * @module sim/child-exit
 * How a supervised child's end is explained (sim/supervisor). Its stderr is read as it
 * comes: forwarded, except the marker lines sim/child-side writes (a `process.exit` call of
 * the client, the process clients it spawned and reaped) and V8's out-of-memory report, and
 * its tail is kept. When the child exits, crashes, runs out of memory or overruns its
 * wall-time bound, that tail and its exit code or signal make the ClientError that says why.
 */
import type { ChildProcess } from 'node:child_process';
import type { ClientError } from './client-errors.ts';

/** A line the child writes on stderr when its client calls process.exit (child-side.ts). */
export const EXIT_MARKER = '[syncstorm-child] ';
/** Bytes of a child's stderr kept to explain its death. */
const STDERR_TAIL_MAX = 16_384;
/** What V8 writes when a heap runs out. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|<--- Last few GCs --->/;

/** A child process, and what it told of itself on stderr and by its end. */
export interface LiveChild {
  process: ChildProcess;
  stderrTail: string;
  partialLine: string;
  /** V8 began its out-of-memory report: the rest of stderr is not forwarded. */
  muted: boolean;
  exitCall?: string;
  /** Process groups of process clients the child started and has not reaped yet. */
  grandchildren: Set<number>;
  disconnected: boolean;
  closed?: { code: number | null; signal: NodeJS.Signals | null };
}

/** A wall-time span in messages: "12.3 s". */
export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Takes in a chunk of the child's stderr: keeps its tail, notes the marker lines (an exit
 * call, process clients spawned and reaped) and forwards the rest to `stderr` (default: this
 * process's), up to V8's out-of-memory report.
 */
export function readStderr(live: LiveChild, text: string, stderr: ((text: string) => void) | undefined): void {
  live.stderrTail = (live.stderrTail + text).slice(-STDERR_TAIL_MAX);
  const lines = (live.partialLine + text).split('\n');
  live.partialLine = lines.pop() ?? '';
  const shown: string[] = [];
  for (const line of lines) {
    if (line.startsWith(EXIT_MARKER)) {
      const said = line.slice(EXIT_MARKER.length);
      const pid = /^(spawned|reaped) (\d+)$/.exec(said);
      if (pid === null) live.exitCall = said;
      else if (pid[1] === 'spawned') live.grandchildren.add(Number(pid[2]));
      else live.grandchildren.delete(Number(pid[2]));
      continue;
    }
    if (OUT_OF_MEMORY.test(line)) live.muted = true;
    if (!live.muted) shown.push(line);
  }
  if (shown.length === 0) return;
  const write = stderr ?? ((chunk: string) => void process.stderr.write(chunk));
  write(`${shown.join('\n')}\n`);
}

/** The client error of a task that ran past its wall-time bound. */
export function overrunError(what: string, elapsedMs: number, limitMs: number): ClientError {
  return {
    kind: 'client-timeout',
    message: `${what}: stopped after ${seconds(elapsedMs)} of wall time without finishing (limit ${seconds(limitMs)} from the client's start: a client that never yields, or a run too big for --run-time-limit)`,
  };
}

/** Why the child is gone, as a client error (`heapMb`: its heap limit). */
export function deathError(live: LiveChild, what: string, heapMb: number): ClientError {
  const { code, signal } = live.closed ?? { code: live.process.exitCode, signal: live.process.signalCode };
  if (OUT_OF_MEMORY.test(live.stderrTail)) {
    return {
      kind: 'client-out-of-memory',
      message: `${what}: ran out of memory (heap limit ${heapMb} MB, --memory-limit)`,
    };
  }
  const lastLine = live.stderrTail
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith(EXIT_MARKER) && line.trim() !== '')
    .pop();
  const said = lastLine === undefined ? '' : ` Its last stderr line: ${lastLine.trim().slice(0, 300)}`;
  if (live.exitCall !== undefined || code === 0) {
    const call = live.exitCall === undefined ? '' : ` (${live.exitCall})`;
    return { kind: 'client-exited', message: `${what}: client exited (code ${code})${call}.${said}` };
  }
  if (code !== null) {
    return {
      kind: 'client-crashed',
      message: `${what}: the process running the client exited with code ${code}.${said}`,
    };
  }
  if (live.disconnected && signal === 'SIGKILL') {
    return { kind: 'client-crashed', message: `${what}: the client closed the channel to syncstorm.${said}` };
  }
  return {
    kind: 'client-crashed',
    message: `${what}: the process running the client was killed by ${signal}.${said}`,
  };
}
