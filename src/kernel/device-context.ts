/**
 * @module kernel/device-context
 * Which device's code is running. An AsyncLocalStorage holds the context of the device
 * whose `start`, app call, listener or timer callback is on the stack, and every promise
 * continuation that descends from it carries it along, so that the virtual globals (see
 * kernel/virtual-globals) know whose clock and randomness a `Date.now()` or a `setTimeout`
 * belongs to. Outside any device the store is empty and the globals stay real.
 *
 * The storage lives on `globalThis` under a registered symbol: a test runner may evaluate
 * this module twice in one process, and the patched globals must see one store.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DeviceClock } from './clock.ts';
import type { Incarnation } from './incarnation.ts';
import type { LeakLog } from './leaks.ts';
import type { OutsideWaits } from './outside-waits.ts';
import type { Rng } from './rng.ts';

/** One incarnation of one device, as its code sees the world. */
export interface DeviceContext {
  readonly deviceId: string;
  readonly incarnation: Incarnation;
  /** The incarnation's clock: its timers die with it, its `now()` carries the device's skew. */
  readonly clock: DeviceClock;
  /** Draws of the patched Math.random and crypto (a stream of its own: env.random is untouched). */
  readonly random: Rng;
  /** False: the globals stay real inside this device and every use is counted as a leak. */
  readonly virtualize: boolean;
  readonly leaks: LeakLog;
  /** Real async work started by the device, which the run loop waits for; undefined: not tracked. */
  readonly outside: OutsideWaits | undefined;
  /** Virtual timers by the number `+timer` gives (what a `clearTimeout(number)` names). */
  readonly timers: Map<number, { close(): unknown }>;
  timerIdNext: number;
}

const STORAGE = Symbol.for('syncstorm.deviceContext');
const holder = globalThis as { [STORAGE]?: AsyncLocalStorage<DeviceContext> };
const storage: AsyncLocalStorage<DeviceContext> = holder[STORAGE] ?? new AsyncLocalStorage<DeviceContext>();
holder[STORAGE] = storage;

/** The device whose code is running, if any. */
export function currentDevice(): DeviceContext | undefined {
  return storage.getStore();
}

/** Runs `fn` as code of the device `context` (and every continuation it starts). */
export function runInDevice<T>(context: DeviceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Runs `fn` outside any device (syncstorm's own work started from device code). */
export function runOutsideDevices<T>(fn: () => T): T {
  return storage.exit(fn);
}

export interface DeviceContextOptions {
  deviceId: string;
  incarnation: Incarnation;
  clock: DeviceClock;
  random: Rng;
  virtualize: boolean;
  leaks: LeakLog;
  outside?: OutsideWaits;
}

export function createDeviceContext(options: DeviceContextOptions): DeviceContext {
  return { ...options, outside: options.outside, timers: new Map(), timerIdNext: 1 };
}
