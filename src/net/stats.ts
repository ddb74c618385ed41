/**
 * @module net/stats
 * Traffic counters: requests that left a device, and the bytes of request and response
 * bodies on the wire (a duplicated request's second answer counts too). The numbers the
 * coalescing benchmarks compare.
 */
import type { NetworkStats, TrafficCounters } from './types.ts';

export class TrafficStats {
  private readonly total: TrafficCounters = { requests: 0, requestBytes: 0, responseBytes: 0 };
  private readonly devices = new Map<string, TrafficCounters>();

  private device(deviceId: string): TrafficCounters {
    let counters = this.devices.get(deviceId);
    if (counters === undefined) {
      counters = { requests: 0, requestBytes: 0, responseBytes: 0 };
      this.devices.set(deviceId, counters);
    }
    return counters;
  }

  request(deviceId: string, bytes: number): void {
    const counters = this.device(deviceId);
    counters.requests++;
    counters.requestBytes += bytes;
    this.total.requests++;
    this.total.requestBytes += bytes;
  }

  response(deviceId: string, bytes: number): void {
    this.device(deviceId).responseBytes += bytes;
    this.total.responseBytes += bytes;
  }

  /** A snapshot; devices in the order they first sent. */
  snapshot(): NetworkStats {
    const byDevice: Record<string, TrafficCounters> = {};
    for (const [deviceId, counters] of this.devices) byDevice[deviceId] = { ...counters };
    return { ...this.total, byDevice };
  }
}
