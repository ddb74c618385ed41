/**
 * @module check/instances
 * Instances of one app on one device's storage (sim/instances): the user writes of instance
 * n >= 2 of device `d` are recorded as `d`'s (with `instance: n`: one storage, one outbox),
 * while its views, starts and kills are under its own name, `d#n`; its `device.start`
 * events carry `of: d`. This says which device a view of an instance belongs to.
 */
import type { History } from './history.ts';

const cache = new WeakMap<History, Map<string, string>>();

/** Instance name → the device it is an instance of (only instances n >= 2 are listed). */
export function instanceDevices(history: History): Map<string, string> {
  const cached = cache.get(history);
  if (cached !== undefined) return cached;
  const devices = new Map<string, string>();
  for (const event of history.events) {
    if (event.type === 'device.start' && typeof event.of === 'string' && typeof event.device === 'string')
      devices.set(event.device, event.of);
  }
  cache.set(history, devices);
  return devices;
}

/** The device whose storage the trace name `name` writes to (itself, unless it is an instance). */
export function storageDevice(history: History, name: string): string {
  return instanceDevices(history).get(name) ?? name;
}
