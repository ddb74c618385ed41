/**
 * @module client/process/read-wake
 * Ending a blocking read of a child's stdout from another thread: the pipe worker's
 * watchdog (pipe-worker.mjs) does it when a read outlasts its bound, the read guard
 * (read-guard.mjs) when that worker stopped. Plain JavaScript, shared by both workers.
 *
 * A read's shared Int32Array (made by channel.ts): slot 0 is its state (a positive number
 * is the generation of a read in progress), slot 1 its bound in ms, slot 2 the child's pid
 * (0 until spawned), slot 3 is 1 once the child exited (its pid may then be another's).
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';

/** States of slot 0 besides a generation and 0 (idle); channel.ts has the same numbers. */
export const TIMED_OUT = -1;
export const WAKING = -2;
export const EXIT_WOKEN = -3;
export const READ_PID = 2;
export const READ_EXITED = 3;

/**
 * Ends the blocking read `generation` (if still in progress) and marks it `state`: swaps
 * the generation for WAKING, kills the child (`kill`), writes a newline into the pipe
 * (through /proc on Linux: the read returns even if something else still holds the
 * child's stdout), then stores `state`. The reading thread swaps its generation back for 0
 * after each read, so a read that ended meanwhile is never marked, and it does not close
 * the pipe while the state is WAKING. True if this call ended it.
 */
export function endRead(read, stdoutFd, generation, state, kill) {
  if (Atomics.compareExchange(read, 0, generation, WAKING) !== generation) return false;
  kill();
  try {
    const fd = openSync(`/proc/self/fd/${stdoutFd}`, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, '\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    // no /proc (or the pipe is full, which ends the read anyway): the kill closes the child's stdout
  }
  Atomics.store(read, 0, state);
  Atomics.notify(read, 0);
  return true;
}

/** SIGKILL to the process group of the child of `read`, unless it exited (or never started). */
export function killChildOf(read) {
  const pid = Atomics.load(read, READ_PID);
  if (pid <= 0 || Atomics.load(read, READ_EXITED) !== 0) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
