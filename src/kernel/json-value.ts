/**
 * @module kernel/json-value
 * The value `JSON.parse(JSON.stringify(value))` gives, made without the text: what the trace
 * keeps of an event for the checkers, so that they read exactly what was hashed without
 * parsing the hashed lines back. At 1,000 devices a run hashes ≈ 200 MB of lines; parsing
 * them again, and collecting what the parse made, was ≈ a seventh of the run.
 *
 * It follows JSON.stringify's own steps (ECMA-262 SerializeJSONProperty): `toJSON(key)` is
 * called, numbers that are not finite become null, -0 becomes 0, undefined, functions and
 * symbols are left out of objects and become null in arrays, an object gives its enumerable
 * own string-keyed properties in their order, and boxed primitives are unboxed. What it
 * builds is what JSON.parse would build: plain objects and arrays, a `__proto__` key as an
 * own property.
 *
 * Shared, not copied: an object that is frozen plain data and equals its own JSON value (its
 * prototype Object.prototype or Array.prototype, only enumerable data properties with string
 * keys, no array holes, no `toJSON`, every value such data or a string, boolean, null or
 * finite number other than -0). It can never change, and whatever reads it cannot tell it
 * from a copy: a record a client shows in view after view (client/reference/shown-pool) is
 * then kept once, not once per view. Such objects are remembered (a WeakSet).
 *
 * A getter or `toJSON` runs once here and once for the hashed line, as when the trace also
 * streams its events to a file: one whose answer changes between calls is read as it
 * answered here.
 */

/** Left out of an object, null in an array (undefined, a function, a symbol). */
const OMIT: unique symbol = Symbol('omit');

/** Objects found to be their own JSON value (see the module comment). */
const own = new WeakSet<object>();

/** The value JSON.parse(JSON.stringify(value)) gives (undefined where JSON.stringify gives undefined). */
export function jsonValue(value: unknown): unknown {
  const result = serialise(value, '');
  return result === OMIT ? undefined : result;
}

/**
 * The JSON value of the plain object `object` with `field` holding `value` (already a JSON
 * value, kept as is) instead of its own: a list the caller has made the JSON value of itself.
 */
export function jsonValueWith(object: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const result = key === field ? value : serialise(object[key], key);
    if (result !== OMIT) put(out, key, result);
  }
  return out;
}

function put(out: Record<string, unknown>, key: string, value: unknown): void {
  // As JSON.parse makes it: an own property, never the prototype.
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

function serialise(input: unknown, key: string | number): unknown {
  let value = input;
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, String(key));
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      break;
    default:
      return OMIT;
  }
  if (value === null) return null;
  if (own.has(value)) return value;
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt)
    return serialise(value.valueOf(), key);
  return Array.isArray(value) ? serialiseArray(value) : serialiseObject(value as Record<string, unknown>);
}

/** True when `result` (the JSON value of `input`) is `input` itself: not a -0 turned 0, nothing left out. */
function same(input: unknown, result: unknown): boolean {
  return result === input && !(input === 0 && Object.is(input, -0));
}

function serialiseArray(array: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  let unchanged = Object.isFrozen(array) && Object.getPrototypeOf(array) === Array.prototype;
  for (let index = 0; index < array.length; index++) {
    const input = array[index];
    let result = serialise(input, index);
    if (result === OMIT) result = null;
    if (unchanged && !same(input, result)) unchanged = false;
    out.push(result);
  }
  // Frozen, and every element its own JSON value: shared if nothing else hides in it.
  if (unchanged && onlyData(array, array.length + 1)) {
    own.add(array);
    return array as unknown[];
  }
  return out;
}

function serialiseObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(object);
  let unchanged = Object.isFrozen(object) && Object.getPrototypeOf(object) === Object.prototype;
  for (const key of keys) {
    const input = object[key];
    const result = serialise(input, key);
    if (result === OMIT) {
      unchanged = false;
      continue;
    }
    if (unchanged && !same(input, result)) unchanged = false;
    put(out, key, result);
  }
  if (unchanged && onlyData(object, keys.length)) {
    own.add(object);
    return object;
  }
  return out;
}

/**
 * True when `object` has exactly `count` own keys (an array: its indexes and `length`; an
 * object: its enumerable keys), none a symbol, and each a data property (no getter).
 */
function onlyData(object: object, count: number): boolean {
  const keys = Reflect.ownKeys(object);
  if (keys.length !== count) return false;
  for (const key of keys) {
    if (typeof key === 'symbol') return false;
    const descriptor = Object.getOwnPropertyDescriptor(object, key) as PropertyDescriptor;
    if (!('value' in descriptor)) return false;
  }
  return true;
}
