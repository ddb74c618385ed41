/**
 * @module client/process/pipe-worker
 * The thread that owns the child processes of process clients (plain JavaScript: it runs
 * in a worker thread, where no TypeScript loader is registered). It spawns each child,
 * writes what the simulator sends to its stdin, and forwards its stdout lines, its stderr
 * and its exit to the simulator's thread, one MessagePort per child, bumping a shared
 * counter after each message so that the simulator, blocked in Atomics.wait, wakes up.
 */
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/**
 * Under syncstorm's supervisor (sim/supervisor.ts), each child's pid is announced on stderr,
 * so that the supervisor can kill it when this process dies or is killed (a detached child
 * would outlive it).
 */
const SUPERVISED = process.env.SYNCSTORM_SUPERVISED === '1';

function announce(what, pid) {
  if (!SUPERVISED || pid === undefined) return;
  try {
    writeSync(2, `[syncstorm-child] ${what} ${pid}\n`);
  } catch {
    // stderr closed: nothing to announce to
  }
}

/** @type {Map<number, {child: import('node:child_process').ChildProcess, port: MessagePort, signal: Int32Array}>} */
const children = new Map();

/** How long a child whose stdout ended may take to exit before it counts as one that closed its stdout, ms. */
const STDOUT_CLOSED_GRACE_MS = 200;

function post(entry, message) {
  entry.port.postMessage(message);
  Atomics.add(entry.signal, 0, 1);
  Atomics.notify(entry.signal, 0);
}

function start({ id, command, cwd, env, port, signal }) {
  const entry = { child: undefined, port, signal: new Int32Array(signal) };
  children.set(id, entry);
  // `exec` makes the command itself the process (no shell left between it and SIGKILL);
  // its own process group lets a kill reach whatever it starts.
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
    cwd,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  entry.child = child;
  announce('spawned', child.pid);
  if (child.pid !== undefined) post(entry, { kind: 'pid', pid: child.pid });
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    if (parts.length > 0) post(entry, { kind: 'lines', lines: parts });
  });
  // A child that closes its stdout and lives on can never answer: said at once (unless it
  // is exiting anyway, then its exit says more), and the simulator kills it.
  child.stdout.on('end', () => {
    const grace = setTimeout(() => {
      // allowed: a real-time grace outside the simulated world
      if (child.exitCode === null && child.signalCode === null) post(entry, { kind: 'stdout-closed' });
    }, STDOUT_CLOSED_GRACE_MS);
    grace.unref();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => post(entry, { kind: 'stderr', text }));
  child.stdin.on('error', () => {}); // EPIPE after the child died: its exit is reported below
  child.on('error', (error) => {
    post(entry, { kind: 'exit', code: null, signal: null, error: error.message });
    children.delete(id);
  });
  child.on('close', (code, signal) => {
    announce('reaped', child.pid);
    if (partial !== '') post(entry, { kind: 'lines', lines: [partial] });
    post(entry, { kind: 'exit', code, signal });
    children.delete(id);
  });
}

function kill(entry) {
  const pid = entry.child?.pid;
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    entry.child?.kill('SIGKILL');
  }
}

parentPort.on('message', (message) => {
  if (message.op === 'spawn') return start(message);
  const entry = children.get(message.id);
  if (entry === undefined) return;
  if (message.op === 'write') entry.child.stdin.write(message.data);
  else if (message.op === 'end') entry.child.stdin.end();
  else if (message.op === 'kill') kill(entry);
});
