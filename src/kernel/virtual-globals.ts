/**
 * @module kernel/virtual-globals
 * Patches the process's globals once so that, inside a device (kernel/device-context), an
 * engine syncstorm did not write reads that device's virtual, possibly skewed clock and
 * its seeded randomness: `setTimeout`/`setInterval`/`setImmediate` and their clears (also
 * through `node:timers` and `node:timers/promises`), `Date.now()`, `new Date()` and
 * `Date()` without arguments, `performance.now()`, `Math.random()`, `crypto.randomUUID()`,
 * `crypto.getRandomValues()` (global), and `node:crypto`'s `randomUUID` and `randomBytes`.
 * (`node:crypto`'s own `getRandomValues` is a getter Node does not let anyone replace.)
 * Outside a device every patched function calls the real one unchanged.
 *
 * The leak tripwire: inside a device whose virtualization is off, every use of these is
 * counted (kernel/leaks); so is, always, a use of what is not covered: `process.hrtime`,
 * `process.hrtime.bigint`, `crypto.randomInt`, `crypto.randomFill(Sync)`.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { currentDevice, type DeviceContext } from './device-context.ts';
import { uuidV4 } from './ids.ts';
import { REAL } from './real-time.ts'; // allowed: the real functions are the fallback outside a device
import { clearVirtualTimer, type TimerKind, VirtualTimer } from './virtual-timers.ts';

const require = createRequire(import.meta.url);
const INSTALLED = Symbol.for('syncstorm.virtualGlobalsInstalled');

type AnyFunction = (...args: never[]) => unknown;

/**
 * The device whose code calls `api`, when that device's globals are virtual; otherwise
 * undefined (and, inside a device that is not virtualized, the use is counted).
 */
function virtualDevice(api: string): DeviceContext | undefined {
  const context = currentDevice();
  if (context === undefined) return undefined;
  if (context.virtualize) return context;
  context.leaks.record(context.deviceId, api);
  return undefined;
}

/** Counts a use of an API that is never virtualized, when a device's code makes it. */
function tripwire<F extends AnyFunction>(api: string, real: F): F {
  return function (this: unknown, ...args: Parameters<F>) {
    const context = currentDevice();
    if (context !== undefined) context.leaks.record(context.deviceId, api);
    return real.apply(this, args);
  } as F;
}

function timerFunction(kind: TimerKind, real: AnyFunction, api: string) {
  return function virtualTimer(this: unknown, callback: unknown, ...rest: unknown[]) {
    const context = virtualDevice(api);
    if (context === undefined || typeof callback !== 'function')
      return real.apply(this, [callback, ...rest] as never[]);
    const [delayMs, ...args] = kind === 'immediate' ? [0, ...rest] : rest;
    return new VirtualTimer(context, kind, callback as (...args: unknown[]) => void, delayMs, args);
  };
}

function clearFunction(real: AnyFunction) {
  return function virtualClear(this: unknown, timer: unknown) {
    if (clearVirtualTimer(currentDevice(), timer)) return;
    return real.apply(this, [timer] as never[]);
  };
}

/** `Date` that reads the device's clock when built without arguments; `instanceof`, `Date.UTC` ... unchanged. */
function virtualDate(): DateConstructor {
  const RealDate = REAL.Date;
  return new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) {
        const context = virtualDevice('new Date()'); // allowed: the label of the patched API, not a call
        if (context !== undefined) return Reflect.construct(target, [context.clock.now()], newTarget);
      }
      return Reflect.construct(target, args, newTarget);
    },
    apply(target, thisArg, args) {
      const context = virtualDevice('Date()');
      if (context !== undefined) return new RealDate(context.clock.now()).toString();
      return Reflect.apply(target, thisArg, args);
    },
  });
}

function fillRandom<T extends ArrayBufferView | null>(context: DeviceContext, array: T): T {
  if (array === null || !ArrayBuffer.isView(array)) return REAL.getRandomValues(array as never) as T;
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  bytes.set(context.random.bytes(bytes.length));
  return array;
}

function patchTimers(): void {
  const timers = require('node:timers') as typeof import('node:timers');
  const patched = {
    setTimeout: timerFunction('timeout', REAL.setTimeout as AnyFunction, 'setTimeout'),
    setInterval: timerFunction('interval', REAL.setInterval as AnyFunction, 'setInterval'),
    setImmediate: timerFunction('immediate', REAL.setImmediate as AnyFunction, 'setImmediate'),
    clearTimeout: clearFunction(REAL.clearTimeout as AnyFunction),
    clearInterval: clearFunction(REAL.clearInterval as AnyFunction),
    clearImmediate: clearFunction(REAL.clearImmediate as AnyFunction),
  };
  Object.assign(globalThis, patched);
  Object.assign(timers, patched);
}

function patchTimerPromises(): void {
  const promises = require('node:timers/promises') as typeof import('node:timers/promises');
  const real = { ...promises, scheduler: promises.scheduler };
  const sleep = (context: DeviceContext, delayMs: unknown, value: unknown, signal?: AbortSignal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = new VirtualTimer(context, 'timeout', () => resolve(value), delayMs, []);
      signal?.addEventListener(
        'abort',
        () => {
          timer.close();
          reject(signal.reason);
        },
        { once: true },
      );
    });
  Object.assign(promises, {
    setTimeout(delayMs?: number, value?: unknown, options?: { signal?: AbortSignal }) {
      const context = virtualDevice('timers/promises.setTimeout');
      if (context === undefined) return real.setTimeout(delayMs, value, options);
      return sleep(context, delayMs, value, options?.signal);
    },
    setImmediate(value?: unknown, options?: { signal?: AbortSignal }) {
      const context = virtualDevice('timers/promises.setImmediate');
      if (context === undefined) return real.setImmediate(value, options);
      return sleep(context, 0, value, options?.signal);
    },
    setInterval(delayMs?: number, value?: unknown, options?: { signal?: AbortSignal }) {
      const context = virtualDevice('timers/promises.setInterval');
      if (context === undefined) return real.setInterval(delayMs, value, options);
      return (async function* ticks() {
        for (;;) yield await sleep(context, delayMs, value, options?.signal);
      })();
    },
  });
  const scheduler = promises.scheduler as { wait(delayMs: number, options?: { signal?: AbortSignal }): Promise<void> };
  const realWait = scheduler.wait.bind(scheduler);
  scheduler.wait = (delayMs, options) => {
    const context = virtualDevice('timers/promises.scheduler.wait');
    if (context === undefined) return realWait(delayMs, options);
    return sleep(context, delayMs, undefined, options?.signal) as Promise<void>;
  };
}

function patchClockAndRandom(): void {
  const RealDate = REAL.Date;
  RealDate.now = () => virtualDevice('Date.now')?.clock.now() ?? REAL.dateNow();
  globalThis.Date = virtualDate();
  // `date.constructor === Date` keeps holding for every date, whoever made it.
  RealDate.prototype.constructor = globalThis.Date;
  // allowed: the patch itself (it falls back to the captured real clock outside a device)
  performance.now = () => {
    const context = virtualDevice('performance.now');
    // Virtual ms since the start of the run, as a page's performance.now counts from its load.
    return context === undefined ? REAL.performanceNow() : context.clock.elapsed();
  };
  // allowed: the patch itself (real randomness only outside a device)
  Math.random = () => {
    const context = virtualDevice('Math.random');
    return context === undefined ? REAL.mathRandom() : context.random.next();
  };
}

function patchCrypto(): void {
  const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
  const webCrypto = globalThis.crypto as Crypto & Record<string, unknown>;
  const randomUUID = (realUUID: () => string) => () => {
    const context = virtualDevice('crypto.randomUUID');
    return (context === undefined ? realUUID() : uuidV4(context.random)) as ReturnType<Crypto['randomUUID']>;
  };
  const getRandomValues =
    (real: AnyFunction) =>
    <T extends ArrayBufferView | null>(array: T): T => {
      const context = virtualDevice('crypto.getRandomValues');
      return context === undefined ? (real(array as never) as T) : fillRandom(context, array);
    };
  webCrypto.randomUUID = randomUUID(REAL.randomUUID); // allowed: the patch itself
  webCrypto.getRandomValues = getRandomValues(REAL.getRandomValues as AnyFunction);
  const realBytes = REAL.nodeRandomBytes as AnyFunction;
  Object.assign(nodeCrypto, {
    randomUUID: randomUUID(REAL.nodeRandomUUID as () => string), // allowed: the real one, used outside devices only
    randomBytes(size: number, callback?: (error: Error | null, bytes: Buffer) => void) {
      const context = virtualDevice('crypto.randomBytes');
      if (context === undefined) return realBytes(size as never, callback as never);
      const bytes = Buffer.from(context.random.bytes(size));
      if (callback === undefined) return bytes;
      new VirtualTimer(context, 'immediate', () => callback(null, bytes), 0, []);
      return undefined;
    },
    randomInt: tripwire('crypto.randomInt', nodeCrypto.randomInt),
    randomFill: tripwire('crypto.randomFill', nodeCrypto.randomFill),
    randomFillSync: tripwire('crypto.randomFillSync', nodeCrypto.randomFillSync),
  });
}

function patchHrtime(): void {
  const hrtime = tripwire('process.hrtime', REAL.hrtime) as typeof process.hrtime;
  hrtime.bigint = tripwire('process.hrtime.bigint', REAL.hrtimeBigint);
  process.hrtime = hrtime;
}

/**
 * Patches the globals, once per process (later calls do nothing). DeviceHost calls it; an
 * adapter whose engine keeps references to the globals at import time should call it
 * before importing the engine (a reference taken earlier stays real, and the tripwire
 * counts the timers it makes).
 */
export function installVirtualGlobals(): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  patchTimers();
  patchTimerPromises();
  patchClockAndRandom();
  patchCrypto();
  patchHrtime();
  syncBuiltinESMExports();
}
