/**
 * @module client/process/pipe-worker
 * The thread that owns the child processes of process clients (plain JavaScript: it runs
 * in a worker thread, where no TypeScript loader is registered). It spawns each child and
 * hands the simulator's thread its stdin (a socket, which that thread writes directly,
 * with no hop through this one); the child's stdout is a pipe of the simulator's thread,
 * which reads it with blocking reads (channel.ts). It forwards the child's stderr and its exit, one
 * MessagePort per child, bumping a shared counter after each message so that the
 * simulator, when it waits in Atomics.wait, wakes up. It is also the watchdog of those
 * blocking reads: a read that outlasts its real-time bound is ended (the child is killed
 * and a newline written into its stdout pipe) and marked as timed out, and so is a read
 * that still waits a while after the child exited (a process it started holds the pipe).
 * If this thread dies of an error, it first ends the reads in progress and kills the
 * children, and flags its death where the simulator's thread sees it without an event.
 * Each watchdog tick bumps a shared heartbeat: should this thread stop without running its
 * exit handler (terminated, out of memory) or hang, the read guard (read-guard.mjs) sees
 * it stand still and does that in its place.
 */
import { spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { EXIT_WOKEN, endRead, READ_EXITED, READ_PID, TIMED_OUT, WAKING } from './read-wake.mjs';

/**
 * Under syncstorm's supervisor (sim/supervisor.ts), each child's pid is announced on stderr,
 * so that the supervisor can kill it when this process dies or is killed (a detached child
 * would outlive it).
 */
const SUPERVISED = process.env.SYNCSTORM_SUPERVISED === '1';

/** How often the watchdog looks at the reads in progress, ms. */
const WATCH_EVERY_MS = 50;
/** How long a read may wait after the child exited before it is woken (only another process holds its stdout), ms. */
const AFTER_EXIT_WAKE_MS = 200;
/** Slot 0 becomes 1 once this thread is gone (shared with channel.ts). */
const gone = new Int32Array(workerData.gone);
/** Bumped on each watchdog tick, watched by the read guard. */
const beat = new Int32Array(workerData.beat);

function announce(what, pid) {
  if (!SUPERVISED || pid === undefined) return;
  try {
    writeSync(2, `[syncstorm-child] ${what} ${pid}\n`);
  } catch {
    // stderr closed: nothing to announce to
  }
}

/**
 * @type {Map<number, {child: import('node:child_process').ChildProcess | undefined, stdin: import('node:net').Socket | undefined,
 *   stdoutFd: number | undefined, port: MessagePort, signal: Int32Array, read: Int32Array,
 *   watch: {generation: number, since: number} | undefined, exitedAt: number | undefined, released: boolean, closed: boolean}>}
 */
const children = new Map();
let watchdog;

function post(entry, message) {
  entry.port.postMessage(message);
  Atomics.add(entry.signal, 0, 1);
  Atomics.notify(entry.signal, 0);
}

function start({ id, command, cwd, env, port, signal, read, stdoutFd, stdoutWriteFd }) {
  const entry = {
    child: undefined,
    stdin: undefined,
    stdoutFd,
    port,
    signal: new Int32Array(signal),
    read: new Int32Array(read),
    watch: undefined,
    exitedAt: undefined,
    released: false,
    closed: false,
  };
  children.set(id, entry);
  // allowed: the real-time watchdog of blocking reads, outside the simulated world
  watchdog ??= setInterval(watch, WATCH_EVERY_MS);
  // `exec` makes the command itself the process (no shell left between it and SIGKILL);
  // its own process group lets a kill reach whatever it starts. Its stdout is the write
  // end of the simulator's thread's pipe, which this thread owns and closes once the
  // child has its copy (or could not be started): only it knows when that is.
  let child;
  try {
    child = spawn('/bin/sh', ['-c', `exec ${command}`], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', stdoutWriteFd, 'pipe'],
    });
  } catch (error) {
    post(entry, { kind: 'exit', code: null, signal: null, error: error.message });
    exited(id, entry);
    return;
  } finally {
    closeSync(stdoutWriteFd);
  }
  entry.child = child;
  if (child.pid !== undefined) Atomics.store(entry.read, READ_PID, child.pid);
  // Detached from the child object, which would destroy it at the child's exit: it is
  // closed when the simulator's thread releases it (it writes to its descriptor).
  entry.stdin = child.stdin;
  child.stdin = null;
  announce('spawned', child.pid);
  post(entry, { kind: 'spawned', pid: child.pid, stdinFd: entry.stdin?._handle?.fd });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => post(entry, { kind: 'stderr', text }));
  child.stderr.on('error', () => {}); // its end is the child's exit, reported below
  entry.stdin?.on('error', () => {}); // EPIPE after the child died: its exit is reported below
  child.on('error', (error) => {
    // Only a failed start ends the child (a failed kill or message does not); one exit is reported.
    if (child.pid !== undefined || entry.exitedAt !== undefined) return;
    post(entry, { kind: 'exit', code: null, signal: null, error: error.message });
    exited(id, entry);
  });
  child.on('close', (code, signal) => {
    announce('reaped', child.pid);
    if (entry.exitedAt !== undefined) return;
    post(entry, { kind: 'exit', code, signal });
    exited(id, entry);
  });
}

function exited(id, entry) {
  if (entry.exitedAt !== undefined) return;
  entry.exitedAt = performance.now(); // allowed: the real-time watchdog of blocking reads
  Atomics.store(entry.read, READ_EXITED, 1);
  if (entry.released) entry.stdin?.destroy();
  if (entry.closed) forget(id);
}

/**
 * A child is forgotten once it exited and the simulator's thread closed its channel (until
 * then the watchdog still watches its reads: a process it started may hold its stdout).
 */
function forget(id) {
  children.delete(id);
  if (children.size === 0 && watchdog !== undefined) {
    clearInterval(watchdog);
    watchdog = undefined;
  }
}

/** SIGKILL to the child's process group, while it lives (once it was reaped, its pid may be another's). */
function kill(entry) {
  if (entry.exitedAt !== undefined) return;
  const pid = entry.child?.pid;
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    entry.child?.kill('SIGKILL');
  }
}

/**
 * Ends the blocking reads that outlasted their bound, or that still wait a while after the
 * child exited. Slot 0 of a read's array is its generation while the simulator's thread
 * reads (slot 1: its bound, ms); this thread swaps it for WAKING, kills the child, writes a
 * newline into the pipe (through /proc on Linux: the read returns even if something else
 * still holds the child's stdout), then stores TIMED_OUT (or EXIT_WOKEN); the simulator's
 * thread swaps its generation back for 0 after each read, so a read that ended meanwhile
 * is never marked.
 */
function watch() {
  const now = performance.now(); // allowed: the real-time bound on a child's turn
  Atomics.add(beat, 0, 1);
  for (const entry of children.values()) {
    const generation = Atomics.load(entry.read, 0);
    if (generation <= 0) {
      entry.watch = undefined;
      continue;
    }
    if (entry.watch?.generation !== generation) {
      entry.watch = { generation, since: now };
      continue;
    }
    const timedOut = now - entry.watch.since >= Atomics.load(entry.read, 1);
    const afterExit =
      entry.exitedAt !== undefined && now - Math.max(entry.exitedAt, entry.watch.since) >= AFTER_EXIT_WAKE_MS;
    if (timedOut || afterExit) wake(entry, generation, timedOut ? TIMED_OUT : EXIT_WOKEN);
  }
}

/** Ends the blocking read `generation` of `entry` (if still in progress) and marks it `state`. */
function wake(entry, generation, state) {
  endRead(entry.read, entry.stdoutFd, generation, state, () => kill(entry));
}

/**
 * Dying of an error: the simulator's thread may be blocked in a read that nothing else
 * would end. Flag the death first (it reads the flag once woken), then end every read and
 * kill every child (nothing would report their exit any more).
 */
process.on('exit', () => {
  Atomics.store(gone, 0, 1);
  for (const entry of children.values()) {
    const state = Atomics.load(entry.read, 0);
    if (state > 0) wake(entry, state, TIMED_OUT);
    else if (state === WAKING) {
      Atomics.store(entry.read, 0, TIMED_OUT);
      Atomics.notify(entry.read, 0);
    }
    kill(entry);
    Atomics.add(entry.signal, 0, 1);
    Atomics.notify(entry.signal, 0);
  }
});

parentPort.on('message', (message) => {
  if (message.op === 'spawn') return start(message);
  const entry = children.get(message.id);
  if (entry === undefined) return;
  if (message.op === 'end') entry.stdin?.end();
  else if (message.op === 'kill') kill(entry);
  else if (message.op === 'release') {
    // The simulator's thread saw the exit and writes nothing more.
    entry.released = true;
    if (entry.exitedAt !== undefined) entry.stdin?.destroy();
  } else if (message.op === 'close') {
    entry.closed = true;
    entry.released = true;
    if (entry.exitedAt !== undefined) {
      entry.stdin?.destroy();
      forget(message.id);
    }
  }
});
