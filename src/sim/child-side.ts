/**
 * @module sim/child-side
 * The child's half of sim/supervisor: receives tasks, says `started` once its client is
 * loaded (the parent's wall-time bound counts from there), and answers each task with its
 * value or its error. A client that calls `process.exit` is let go, but first a marker
 * line on stderr says where it was called, so the parent can report it. A child whose
 * parent is gone stops.
 */
import { writeSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUsageError } from '../kernel/errors.ts';
import { EXIT_MARKER } from './child-exit.ts';
import type { ClientErrorKind } from './client-errors.ts';
import type { ChildFailure, ChildReply } from './supervisor.ts';

export type TaskHandler<T> = (task: T & { id: number }, started: () => void) => Promise<unknown>;

/** An error a task handler throws to name the client error's kind. */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly kind: ClientErrorKind,
  ) {
    super(message);
  }
}

function send(reply: ChildReply): void {
  try {
    process.send?.(reply, undefined, undefined, () => undefined);
  } catch {
    // the parent is gone: nothing to tell
  }
}

/** `at sync (file:///x/client.ts:3:9)` → `sync (client.ts:3:9)`, paths relative to the working folder. */
function callSite(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').slice(1);
  const frame = frames.find((line) => !/child-side\.[jt]s/.test(line) && !line.includes('node:internal'));
  if (frame === undefined) return undefined;
  return frame
    .trim()
    .replace(/^at /, '')
    .replace(/file:\/\/[^\s:)]+/g, (url) => relative(process.cwd(), fileURLToPath(url)))
    .replace(/\/[^\s:()]+/g, (path) => (path.startsWith(process.cwd()) ? relative(process.cwd(), path) : path));
}

function markExits(): void {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const site = callSite(new Error().stack);
    const line = `${EXIT_MARKER}process.exit(${code ?? ''}) called${site === undefined ? '' : ` at ${site}`}\n`;
    try {
      writeSync(2, line);
    } catch {
      // stderr closed: the exit is still reported, without its call site
    }
    return exit(code);
  }) as typeof process.exit;
}

export function serveTasks<T>(handle: TaskHandler<T>): void {
  markExits();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.on('message', (task: T & { id: number }) => {
    const started = () => send({ id: task.id, started: true });
    handle(task, started).then(
      (value) => send({ id: task.id, value }),
      (error: unknown) => {
        const failure: ChildFailure = { id: task.id, error: error instanceof Error ? error.message : String(error) };
        if (error instanceof TaskFailure) failure.kind = error.kind;
        if (isUsageError(error)) failure.usage = true;
        send(failure);
      },
    );
  });
}
