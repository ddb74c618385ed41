/**
 * @module check/instances
 * Instances of one app on one device's storage (sim/instances): instance n >= 2 of device
 * `d` writes its events under its own name, `d#n`, and its `device.start` events carry
 * `of: d`. Its writes go into the device's one storage and outbox, so the checkers that
 * judge a device's storage (durability, write order) count them as the device's own.
 */
import type { History } from './history.ts';
import type { DeviceHistory } from './history-index.ts';

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

/** `device`'s history with the writes of its further instances merged in (trace order). */
export function withInstances(history: History, device: DeviceHistory): DeviceHistory {
  const names = [...instanceDevices(history)].filter(([, of]) => of === device.device).map(([name]) => name);
  const others = names.flatMap((name) => {
    const instance = history.byDevice.get(name);
    return instance === undefined ? [] : [instance];
  });
  if (others.length === 0) return device;
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  return {
    ...device,
    writes: [device, ...others].flatMap((one) => one.writes).sort(bySeq),
    interrupted: [device, ...others].flatMap((one) => one.interrupted).sort(bySeq),
  };
}
