/**
 * @module kernel/real-time
 * The real clock, timers and randomness of the process, captured when the kernel is first
 * imported, before `installVirtualGlobals` patches the globals. Whatever of syncstorm must
 * stay real while a device's code runs (the run loop's `settle`, the bounded waits on work
 * outside virtual time, wall-time bounds) calls these, never the globals, which inside a
 * device resolve to that device's virtual clock. Nothing here may feed the simulated world.
 *
 * The snapshot lives on `globalThis` under a registered symbol: a test runner may evaluate
 * this module again after the globals were patched, and must then get the first snapshot.
 */
import nodeCrypto from 'node:crypto';

function capture() {
  return Object.freeze({
    setTimeout: globalThis.setTimeout, // allowed: the real timer, captured for syncstorm's own bounded waits
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval, // allowed: captured so the patched global can fall back to it
    clearInterval: globalThis.clearInterval,
    setImmediate: globalThis.setImmediate,
    clearImmediate: globalThis.clearImmediate,
    Date: globalThis.Date,
    dateNow: globalThis.Date.now, // allowed: the real clock, captured before patching
    performanceNow: globalThis.performance.now.bind(globalThis.performance), // allowed: captured before patching
    mathRandom: Math.random, // allowed: captured before patching, never used inside the simulated world
    randomUUID: globalThis.crypto.randomUUID.bind(globalThis.crypto), // allowed: captured before patching
    getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
    nodeRandomUUID: nodeCrypto.randomUUID, // allowed: captured before patching
    nodeRandomBytes: nodeCrypto.randomBytes,
    hrtime: process.hrtime,
    hrtimeBigint: process.hrtime.bigint,
  });
}

const SNAPSHOT = Symbol.for('syncstorm.realGlobals');
const holder = globalThis as { [SNAPSHOT]?: ReturnType<typeof capture> };

/** The real functions; each is bound to its owner so it can be called bare. */
export const REAL: ReturnType<typeof capture> = holder[SNAPSHOT] ?? capture();
holder[SNAPSHOT] = REAL;

/** Real milliseconds (monotonic), for wall-time bounds outside the simulated world. */
export function realNowMs(): number {
  return REAL.performanceNow();
}

/** Resolves after one real turn of the event loop (the real `setImmediate`). */
export function realTurn(): Promise<void> {
  return new Promise((resolve) => REAL.setImmediate(resolve));
}

/** Resolves after `ms` real milliseconds (the run loop waiting: it keeps the process alive). */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => REAL.setTimeout(resolve, ms));
}
