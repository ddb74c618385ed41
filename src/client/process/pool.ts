/**
 * @module client/process/pool
 * Idle child processes of reusable process clients (those that declared `reusable` in
 * `hello`). A killed incarnation whose child accepted the `kill` event leaves its child
 * here, and the next start of the same command for the same device (a restart, or the
 * next seed) takes it instead of spawning one: a process start costs far more than a run's
 * exchanges with it (docs/process-protocol.md, "Cost"). Children are keyed by everything
 * their process was started with (command, folder, environment, device), so a reused
 * child cannot tell it from a fresh one. At most IDLE_MAX wait; the oldest are ended.
 */
import type { ProcessChannel } from './channel.ts';

/** Bound on idle children kept for reuse (each is a live process). */
export const IDLE_MAX = 32;

const idle = new Map<string, ProcessChannel[]>();
let idleCount = 0;

/** Processes spawned and reused for device incarnations by this process (for benchmarks and tests). */
export const processPool = { spawned: 0, reused: 0 };

/** An idle child started with `key`, still alive, or undefined. */
export function takeIdle(key: string): ProcessChannel | undefined {
  const channels = idle.get(key);
  for (let channel = channels?.pop(); channel !== undefined; channel = channels?.pop()) {
    idleCount--;
    if (channel.exit === undefined) {
      processPool.reused++;
      return channel;
    }
    channel.kill(); // it died while idle: only its pipe is left to close
  }
  return undefined;
}

/** Keeps a child whose incarnation ended cleanly for the next start with `key`. */
export function giveIdle(key: string, channel: ProcessChannel): void {
  if (idleCount >= IDLE_MAX) closeOldest();
  const channels = idle.get(key) ?? [];
  idle.set(key, channels);
  channels.push(channel);
  idleCount++;
}

/** The process ids of the idle children (a benchmark reads their CPU time). */
export function idlePids(): number[] {
  const pids = [...idle.values()].flat().map((channel) => channel.pid);
  return pids.filter((pid) => pid !== undefined);
}

/** Ends every idle child and waits (bounded) until each is gone: reaped, its CPU time counted. */
export function closeIdleProcesses(): void {
  for (const channels of idle.values()) for (const channel of channels) stop(channel);
  idle.clear();
  idleCount = 0;
}

function closeOldest(): void {
  const [key, channels] = idle.entries().next().value as [string, ProcessChannel[]];
  const oldest = channels.shift();
  if (channels.length === 0) idle.delete(key);
  if (oldest !== undefined) stop(oldest);
  idleCount--;
}

function stop(channel: ProcessChannel): void {
  channel.end();
  channel.kill();
}
