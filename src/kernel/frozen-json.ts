/**
 * @module kernel/frozen-json
 * The JSON text of frozen plain data (kernel/frozen), taken once per object: such an object
 * can never change, and has no `toJSON`, so its text is the same wherever and whenever it is
 * written. At 1,000 devices the same record is written into the trace once per device (each
 * device's view, each page the server hands out): the trace's lines repeat a few thousand
 * objects ≈ a million times.
 */
import { isFrozenData } from './frozen.ts';

const texts = new WeakMap<object, string>();

/** The JSON of `value` when it is a frozen data object (taken once per object); else undefined. */
export function frozenJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let text = texts.get(value);
  if (text === undefined) {
    if (!isFrozenData(value)) return undefined;
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
