/**
 * @module kernel/frozen
 * Immutable plain data, and knowing it when one sees it again. A record a client hands back
 * unchanged in view after view (the reference client's list cache) and a record the trace
 * decoder carries over from a device's previous view are the same frozen object, so work
 * that depends only on the record (its JSON, a checker's verdict on it) can be done once per
 * object instead of once per view.
 *
 * `isFrozenData` answers true only for a value that can never change again: a primitive, or
 * a frozen plain object or array (prototype Object.prototype, Array.prototype or null)
 * whose own properties are all data properties (no getters) holding frozen data, and with
 * no `toJSON`. Its JSON is then fixed for good. The answer is remembered per object.
 */

/** Objects known to be frozen data all the way down. */
const knownFrozen = new WeakSet<object>();

/** Freezes `value` and everything inside it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function isPlainPrototype(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

/** True when `value` is immutable plain data (see the module comment). */
export function isFrozenData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function';
  if (knownFrozen.has(value)) return true;
  if (!Object.isFrozen(value) || !isPlainPrototype(value) || 'toJSON' in value) return false;
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as keyof typeof descriptors] as PropertyDescriptor;
    if (!('value' in descriptor) || !isFrozenData(descriptor.value)) return false;
  }
  knownFrozen.add(value);
  return true;
}

/** Per frozen-data object, its JSON (computed once). */
const jsonOfFrozen = new WeakMap<object, string>();

/**
 * `JSON.stringify(value) ?? 'null'`, remembered per object when `value` is frozen data (its
 * JSON cannot change), computed afresh otherwise.
 */
export function jsonOf(value: unknown): string {
  if (typeof value !== 'object' || value === null || !isFrozenData(value)) return JSON.stringify(value) ?? 'null';
  let json = jsonOfFrozen.get(value);
  if (json === undefined) {
    json = JSON.stringify(value) ?? 'null';
    jsonOfFrozen.set(value, json);
  }
  return json;
}
