/**
 * @module client/process/read-guard
 * The guard of the pipe worker (plain JavaScript, a worker thread of its own). The
 * simulator's thread blocks in reads of its children's stdout that only the pipe worker's
 * watchdog ends; a pipe worker that stops without running its exit handler (terminated,
 * out of memory) or hangs would leave such a read waiting for ever. The pipe worker bumps
 * a shared heartbeat on each watchdog tick; while a read is in progress, this thread
 * checks it, and if it has not moved for HEARTBEAT_STALE_MS of real time (an outer
 * wall-time guard: the watchdog ticks every 50 ms), it flags the pipe worker as gone
 * (GONE_SILENT, which channel.ts reports as such), ends every read in progress and kills
 * every child. It does nothing else: no spawns, no I/O but that.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { endRead, killChildOf, TIMED_OUT } from './read-wake.mjs';

/** How often this thread looks, ms. */
const CHECK_EVERY_MS = 250;
/** A pipe worker whose heartbeat has not moved for this long while a read waits is gone, ms (channel.ts says it). */
const HEARTBEAT_STALE_MS = workerData.staleMs;
/** Values of the hub's `gone` flag (channel.ts). */
const GONE_SILENT = 2;

const gone = new Int32Array(workerData.gone);
const beat = new Int32Array(workerData.beat);
/** @type {Map<number, {read: Int32Array, signal: Int32Array, stdoutFd: number}>} */
const channels = new Map();
let lastBeat = Atomics.load(beat, 0);
let lastBeatAt = performance.now(); // allowed: a real-time guard outside the simulated world

parentPort.on('message', (message) => {
  if (message.op === 'watch')
    channels.set(message.id, {
      read: new Int32Array(message.read),
      signal: new Int32Array(message.signal),
      stdoutFd: message.stdoutFd,
    });
  else if (message.op === 'forget') channels.delete(message.id);
});

// allowed: the real-time guard of the pipe worker, outside the simulated world
setInterval(() => {
  const now = performance.now(); // allowed: as above
  const seen = Atomics.load(beat, 0);
  let reading = false;
  for (const { read } of channels.values()) if (Atomics.load(read, 0) > 0) reading = true;
  // Staleness counts only while a read waits on the pipe worker (it ticks only while it has children).
  if (seen !== lastBeat || !reading || Atomics.load(gone, 0) !== 0) {
    lastBeat = seen;
    lastBeatAt = now;
    return;
  }
  if (now - lastBeatAt < HEARTBEAT_STALE_MS) return;
  Atomics.compareExchange(gone, 0, 0, GONE_SILENT);
  for (const { read, signal, stdoutFd } of channels.values()) {
    const generation = Atomics.load(read, 0);
    if (generation > 0) endRead(read, stdoutFd, generation, TIMED_OUT, () => killChildOf(read));
    else killChildOf(read);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
}, CHECK_EVERY_MS);
