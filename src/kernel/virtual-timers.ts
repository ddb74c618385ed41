/**
 * @module kernel/virtual-timers
 * Node-like timers on a device's virtual clock: what the patched `setTimeout`,
 * `setInterval` and `setImmediate` return inside a device. A `VirtualTimer` answers what
 * engines ask of a Node `Timeout` (`ref`, `unref`, `hasRef`, `refresh`, `close`, `+timer`)
 * and is cleared by any of the clear functions, as in Node. It lives on the incarnation's
 * clock: a kill cancels it, and it never keeps the process alive (it is not a real timer).
 */
import type { DeviceContext } from './device-context.ts';

/** Marks a virtual timer across module instances (a test runner may load this file twice). */
export const VIRTUAL_TIMER = Symbol.for('syncstorm.virtualTimer');

/** Node's bound on a timer delay; a longer one, or one below 1, becomes 1 ms (as in Node). */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

export type TimerKind = 'timeout' | 'interval' | 'immediate';

function delayOf(kind: TimerKind, delayMs: unknown): number {
  if (kind === 'immediate') return 0;
  const delay = Number(delayMs);
  return delay >= 1 && delay <= TIMEOUT_MS_MAX ? delay : 1;
}

export class VirtualTimer {
  readonly [VIRTUAL_TIMER] = true;
  readonly id: number;
  private clockTimer: number | undefined;
  private active = true;
  private referenced = true;
  private readonly delayMs: number;

  constructor(
    private readonly context: DeviceContext,
    private readonly kind: TimerKind,
    private readonly callback: (...args: unknown[]) => void,
    delayMs: unknown,
    private readonly args: unknown[],
  ) {
    this.delayMs = delayOf(kind, delayMs);
    this.id = context.timerIdNext++;
    context.timers.set(this.id, this);
    this.arm();
  }

  private arm(): void {
    this.clockTimer = this.context.clock.setTimeout(() => this.fire(), this.delayMs);
  }

  private fire(): void {
    this.clockTimer = undefined;
    if (!this.active) return;
    if (this.kind === 'interval') this.arm();
    else this.stop();
    this.callback(...this.args);
  }

  private stop(): void {
    this.active = false;
    this.context.timers.delete(this.id);
    if (this.clockTimer !== undefined) this.context.clock.clearTimeout(this.clockTimer);
    this.clockTimer = undefined;
  }

  ref(): this {
    this.referenced = true;
    return this;
  }

  unref(): this {
    this.referenced = false;
    return this;
  }

  hasRef(): boolean {
    return this.referenced && this.active;
  }

  /** Starts the delay again from now (an ended timeout starts again, as in Node). */
  refresh(): this {
    if (this.clockTimer !== undefined) this.context.clock.clearTimeout(this.clockTimer);
    if (!this.active) {
      this.active = true;
      this.context.timers.set(this.id, this);
    }
    this.arm();
    return this;
  }

  close(): this {
    this.stop();
    return this;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

/** Whether `value` is a virtual timer (made by any module instance). */
export function isVirtualTimer(value: unknown): value is VirtualTimer {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VIRTUAL_TIMER] === true;
}

/** Clears a virtual timer given as the object or as its number; false when `value` names none. */
export function clearVirtualTimer(context: DeviceContext | undefined, value: unknown): boolean {
  if (isVirtualTimer(value)) {
    value.close();
    return true;
  }
  if (context === undefined || (typeof value !== 'number' && typeof value !== 'string')) return false;
  const timer = context.timers.get(Number(value));
  if (timer === undefined) return false;
  timer.close();
  return true;
}
