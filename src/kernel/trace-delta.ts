/**
 * @module kernel/trace-delta
 * A list that events record again and again (a device's whole view, up to two dozen times
 * per device), written as the change since the same stream's previous list: the items put
 * (new or changed) and the keys dropped. At 1,000 devices a view holds 3,000 records, and
 * writing, hashing and parsing back whole views was most of a run's trace cost.
 *
 * A list is diffed only when every item has a key and the keys are strictly ascending (the
 * order readers keep); any other list is written whole and ends the stream's diffing until
 * the next whole list. The encoder (at record time) and the decoder (when the kept lines are
 * parsed back) make the same decisions from the same lines, so `decode(parse(line))` gives
 * back exactly the event `JSON.parse(JSON.stringify(event))` would: same fields, same order.
 * Items the decoder carries over from the previous list are shared (and frozen) objects.
 */

import { deepFreeze, isFrozenData, jsonOf } from './frozen.ts';

/** Which events carry a list to diff, and how its items are keyed. */
export interface ListDeltaSpec {
  /** Events of this type carry the list. */
  type: string;
  /** The field holding the list. */
  list: string;
  /** The field naming the stream: each event is diffed against the previous one of its stream. */
  stream: string;
  /** An item's key (undefined: not keyable, the list is written whole). */
  key(item: unknown): string | undefined;
}

/** The field a diffed list is written in instead of `list`. */
export function deltaField(spec: ListDeltaSpec): string {
  return `${spec.list}Delta`;
}

interface ListDelta {
  put: unknown[];
  drop: string[];
}

/** Keys of `items`, or undefined unless every item has one and they strictly ascend. */
function ascendingKeys(spec: ListDeltaSpec, items: readonly unknown[]): string[] | undefined {
  const keys: string[] = [];
  let previous: string | undefined;
  for (const item of items) {
    const key = spec.key(item);
    if (key === undefined || (previous !== undefined && !(previous < key))) return undefined;
    keys.push(key);
    previous = key;
  }
  return keys;
}

/** `event` with `from` renamed to `to` (holding `value`) in the same place. */
function renamed(event: Record<string, unknown>, from: string, to: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(event)) {
    if (field === from) out[to] = value;
    else out[field] = event[field];
  }
  return out;
}

/** Record time: replaces a list by its change since the stream's previous list. */
export class ListDeltaEncoder {
  /**
   * Per stream, the previous list: keys ascending, the items, and each item's JSON as it was
   * then (undefined for an item that was frozen data: its JSON cannot have changed since).
   */
  private readonly previous = new Map<string, { keys: string[]; items: unknown[]; jsons: (string | undefined)[] }>();

  constructor(private readonly spec: ListDeltaSpec) {}

  /** The event to write for `event`: itself, or a copy with the list diffed. */
  encode(event: Record<string, unknown>): Record<string, unknown> {
    const { spec } = this;
    if (event.type !== spec.type) return event;
    const stream = String(event[spec.stream]);
    const items = event[spec.list];
    const keys = Array.isArray(items) ? ascendingKeys(spec, items) : undefined;
    if (keys === undefined) {
      this.previous.delete(stream);
      return event;
    }
    const list = items as unknown[];
    // A mutable item's JSON is taken now (it may change later); frozen data's when needed.
    const jsons = list.map((item) => (isFrozenData(item) ? undefined : (JSON.stringify(item) ?? 'null')));
    const before = this.previous.get(stream);
    this.previous.set(stream, { keys, items: list, jsons });
    if (before === undefined) return event;
    // Both lists ascend: one walk finds what was put (new or changed) and dropped.
    const put: unknown[] = [];
    const drop: string[] = [];
    let old = 0;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      while (old < before.keys.length && (before.keys[old] as string) < key) drop.push(before.keys[old++] as string);
      if (old < before.keys.length && before.keys[old] === key) {
        if (!unchanged(before, old, list[index], jsons[index])) put.push(list[index]);
        old++;
      } else put.push(list[index]);
    }
    while (old < before.keys.length) drop.push(before.keys[old++] as string);
    const delta: ListDelta = { put, drop };
    return renamed(event, spec.list, deltaField(spec), delta);
  }
}

/**
 * Whether `item` (with `json`, undefined when frozen data) writes as the previous list's
 * item at `old`: the very same frozen object, or the same JSON.
 */
function unchanged(
  before: { items: unknown[]; jsons: (string | undefined)[] },
  old: number,
  item: unknown,
  json: string | undefined,
): boolean {
  const jsonBefore = before.jsons[old];
  if (jsonBefore === undefined && json === undefined && before.items[old] === item) return true;
  return (jsonBefore ?? jsonOf(before.items[old])) === (json ?? jsonOf(item));
}

/** Parse time: gives a diffed event its whole list back. */
export class ListDeltaDecoder {
  /** Per stream, the previous list: keys ascending and the items. */
  private readonly previous = new Map<string, { keys: string[]; items: unknown[] }>();

  constructor(private readonly spec: ListDeltaSpec) {}

  /** `event` (as parsed from its line) with its whole list. */
  decode(event: Record<string, unknown>): Record<string, unknown> {
    const { spec } = this;
    if (event.type !== spec.type) return event;
    const stream = String(event[spec.stream]);
    const field = deltaField(spec);
    const delta = event[field] as ListDelta | undefined;
    if (delta === undefined) {
      const items = event[spec.list];
      const keys = Array.isArray(items) ? ascendingKeys(spec, items) : undefined;
      if (keys === undefined) this.previous.delete(stream);
      else this.previous.set(stream, { keys, items: (items as unknown[]).map(deepFreeze) });
      return event;
    }
    const before = this.previous.get(stream);
    if (before === undefined)
      throw new Error(`[syncstorm] trace event ${event.seq}: a list change with no list before`);
    const dropped = new Set(delta.drop);
    const keys: string[] = [];
    const items: unknown[] = [];
    let old = 0;
    for (const item of delta.put) {
      const key = spec.key(item) as string;
      for (; old < before.keys.length && (before.keys[old] as string) <= key; old++) {
        const oldKey = before.keys[old] as string;
        if (oldKey === key || dropped.has(oldKey)) continue;
        keys.push(oldKey);
        items.push(before.items[old]);
      }
      keys.push(key);
      items.push(deepFreeze(item));
    }
    for (; old < before.keys.length; old++) {
      const oldKey = before.keys[old] as string;
      if (dropped.has(oldKey)) continue;
      keys.push(oldKey);
      items.push(before.items[old]);
    }
    this.previous.set(stream, { keys, items });
    // A copy: a reader that sorts its list must not reorder the next decode's.
    return renamed(event, field, spec.list, items.slice());
  }
}
