/**
 * @module kernel/frozen
 * Immutable plain data, and telling it apart. A record a client hands back unchanged in view
 * after view (the reference client's list cache) and a record the trace decoder carries over
 * from a device's previous view are the same frozen object; when an object is frozen data,
 * seeing the very same object again means seeing the same value, so work that depends only
 * on it (its JSON, the trace encoder's diff) need not be done again.
 *
 * `isFrozenData` answers true only for a value that can never change again: a primitive, or
 * a frozen plain object or array (prototype Object.prototype, Array.prototype or null) whose
 * enumerable own properties (what JSON reads) are data properties (no getters) holding
 * frozen data, with no `toJSON`. Its JSON is then fixed for good.
 */

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

/**
 * Objects already found to be frozen data. A frozen object's own properties and prototype
 * can never change again, so the answer holds for good (unless someone later gives
 * Object.prototype or Array.prototype a `toJSON`, which nothing in a run may do). At 1,000
 * devices one shared record (client/reference/shown-pool) appears in the views of hundreds
 * of devices, and walking it each time (≈ 1–1.5 µs and a property descriptor per key) was
 * ≈ 9 % of what a run allocated; a lookup here costs ≈ 20 ns. Only a "yes" is remembered:
 * an object may be frozen after it was first asked about.
 */
const known = new WeakSet<object>();

/** True when `value` is immutable plain data (see the module comment). */
export function isFrozenData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function';
  if (known.has(value)) return true;
  if (!Object.isFrozen(value) || !isPlainPrototype(value) || 'toJSON' in value) return false;
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
    if (!('value' in descriptor) || !isFrozenData(descriptor.value)) return false;
  }
  known.add(value);
  return true;
}
