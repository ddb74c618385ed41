/**
 * @module net/waiting
 * The exchanges each device's live client still waits on: what `inflight` counts and what
 * going offline cuts. An exchange leaves when its client promise settles; those of a killed
 * incarnation never settle, so they are forgotten the next time the device is looked at.
 */
import { assert } from '../kernel/assert.ts';
import type { Exchange } from './exchange.ts';

/** Bound on open fetches per device; a client past it leaks requests. */
export const INFLIGHT_PER_DEVICE_MAX = 1_000;

export class WaitingExchanges {
  private readonly byDevice = new Map<string, Set<Exchange>>();

  add(exchange: Exchange): void {
    let set = this.byDevice.get(exchange.device);
    if (set === undefined) {
      set = new Set();
      this.byDevice.set(exchange.device, set);
    }
    set.add(exchange);
    exchange.onClose = () => set.delete(exchange);
    if (set.size > INFLIGHT_PER_DEVICE_MAX) this.of(exchange.device);
    assert(set.size <= INFLIGHT_PER_DEVICE_MAX, `device ${exchange.device} has ${set.size} fetches in flight`);
  }

  /** The device's waiting exchanges, in send order. */
  of(deviceId: string): Exchange[] {
    const set = this.byDevice.get(deviceId);
    if (set === undefined) return [];
    const waiting: Exchange[] = [];
    for (const exchange of set) {
      if (exchange.waiting) waiting.push(exchange);
      else set.delete(exchange);
    }
    return waiting;
  }
}
