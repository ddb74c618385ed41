/**
 * @module cli/io
 * Where the CLI writes: stdout for results (or the one JSON document with --json), stderr
 * for progress and messages. Colour only on a terminal and only when NO_COLOR is unset
 * (https://no-color.org). Tests pass their own CliIo and read what was written.
 */
export { printable } from '../kernel/printable.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may redraw one line. */
  readonly interactive: boolean;
  readonly color: boolean;
  /** Real milliseconds (the CLI lives outside the simulated world). */
  now(): number;
  /** Real wall-clock time as an ISO string, for run ids and report headers. */
  wallClock(): string;
}

/** A closed pipe (`syncstorm list mutants | head`) ends the output, not the process with a stack trace. */
function ignoreClosedPipe(stream: NodeJS.WriteStream & { syncstormPipeGuard?: true }): void {
  if (stream.syncstormPipeGuard) return;
  stream.syncstormPipeGuard = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

export function processIo(): CliIo {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    color: process.stdout.isTTY === true && !noColor,
    now: () => performance.now(),
    wallClock: () => new Date().toISOString(),
  };
}

export interface Paint {
  pass(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { pass: wrap(32, 39), fail: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Seconds with one decimal, for humans. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
