/**
 * @module sim/in-device
 * Runs the client's code as the device's code: every method of the SyncClient a host hands
 * out, called by anyone (executor, healer, views), runs inside the device's context, so
 * that the virtual globals and the tripwire know whose code it is.
 */
import type { SyncClient } from '../client/contract.ts';
import { type DeviceContext, runInDevice } from '../kernel/device-context.ts';

/** `client` with each method run inside `context`; other properties read through. */
export function inDevice(client: SyncClient, context: DeviceContext): SyncClient {
  // Not an object: left for DeviceHost to report as "returned no SyncClient".
  if (typeof client !== 'object' || client === null) return client;
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => runInDevice(context, () => Reflect.apply(value, target, args));
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
