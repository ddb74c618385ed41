/**
 * @module sim/instances
 * Several instances of one app on one device's storage (browser tabs, a share extension
 * beside the app, a background isolate beside the UI). Instance 1 is the device's own host;
 * an `open-instance` step starts instance n >= 2 as a host of its own named `<device>#<n>`
 * (its events carry that name, so each instance's view is judged), on the device's network
 * link, storage and locks. All of them run in the one supervised child of the run, as every
 * device does (docs/architecture.md). A further instance dies when it is killed or closed,
 * or with its device, and leaves `world.hosts` then; it is never restarted (heal restarts
 * devices, not tabs). Only a client that declares `capabilities.instances` gets one.
 */
import type { DeviceHost } from './device.ts';
import type { World } from './world.ts';

/** The trace name of instance `number` of `device` (1: the device's own name). */
export function instanceName(device: string, number: number | undefined): string {
  return number === undefined || number === 1 ? device : `${device}#${number}`;
}

/** The host of instance `number` of `device`, if it is open. */
export function instanceHost(world: World, device: string, number: number | undefined): DeviceHost | undefined {
  return world.hosts.get(instanceName(device, number));
}

/**
 * Opens instance `number` (>= 2) of `device` and starts it. Returns why it did not open
 * (recorded as `user.skip` by the caller), or undefined once it runs. A client whose start
 * throws is reported by the caller, as a restart's would be.
 */
export async function openInstance(
  world: World,
  options: { device: string; number: number; opening: number; capable: boolean },
): Promise<string | undefined> {
  const { device, number } = options;
  if (!options.capable) return 'the client does not declare capabilities.instances';
  const primary = world.hosts.get(device);
  if (primary === undefined || !primary.alive) return 'device is down';
  const name = instanceName(device, number);
  if (world.hosts.has(name)) return `instance ${number} is already open`;
  const host = primary.openInstance(number, options.opening, () => {
    if (world.hosts.get(name) === host) world.hosts.delete(name);
  });
  world.hosts.set(name, host);
  await host.start();
  return undefined;
}
