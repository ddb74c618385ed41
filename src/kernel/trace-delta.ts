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
 *
 * The encoder also gives what the decoder would give back, without a line to parse (what the
 * trace keeps for its readers): the JSON value of the event (kernel/json-value), its list's
 * items frozen, an item unchanged since the stream's previous list the very same object.
 */

import { deltaLine } from './delta-line.ts';
import { deepFreeze, isFrozenData } from './frozen.ts';
import { frozenJson } from './frozen-json.ts';
import { jsonValue, jsonValueWith } from './json-value.ts';

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
  /**
   * Events of `type` that hold, in `field`, an object mapping streams to objects that carry
   * the list (a run's end state repeats every device's final view). Each such list is
   * written as its stream's next list, exactly as if an event of the stream carried it.
   */
  embedded?: { type: string; field: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `event` with its `field` (an object of streams) rewritten entry by entry through `each`. */
function perStream(
  event: Record<string, unknown>,
  field: string,
  each: (entry: Record<string, unknown>, stream: string) => Record<string, unknown>,
): Record<string, unknown> {
  const entries = event[field];
  if (!isObject(entries)) return event;
  // fromEntries: a stream named `__proto__` stays an own key, as JSON.parse made it.
  const rewritten = Object.fromEntries(
    Object.keys(entries).map((stream) => {
      const entry = entries[stream];
      return [stream, isObject(entry) ? each(entry, stream) : entry];
    }),
  );
  return renamed(event, field, field, rewritten);
}

/** The field a diffed list is written in instead of `list`. */
export function deltaField(spec: ListDeltaSpec): string {
  return `${spec.list}Delta`;
}

interface ListDelta {
  put: unknown[];
  drop: string[];
}

/**
 * Keys of `items`, or undefined unless every item has one and they strictly ascend. An item
 * that is the very same frozen object as the item at the same place in `before` (the
 * stream's previous list) has the same key: it is taken from there, not made again (at 1,000
 * devices a view lists thousands of records, nearly all of them unchanged).
 */
function ascendingKeys(
  keyOf: (item: unknown) => string | undefined,
  items: readonly unknown[],
  before?: EncodedList,
): string[] | undefined {
  const keys: string[] = [];
  let previous: string | undefined;
  let old = 0;
  for (const item of items) {
    let key: string | undefined;
    if (before !== undefined && before.items[old] === item && before.frozen[old] && old < before.keys.length)
      key = before.keys[old++];
    else {
      key = keyOf(item);
      if (key !== undefined && before !== undefined)
        while (old < before.keys.length && (before.keys[old] as string) <= key) old++;
    }
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

/**
 * A stream's previous list, as the encoder keeps it: keys ascending, the items, whether each
 * was frozen data (kernel/frozen) when recorded, and each item's JSON as it was then (taken
 * at once for a mutable item, which may change later; when first needed for frozen data).
 */
interface EncodedList {
  keys: string[];
  items: unknown[];
  frozen: boolean[];
  jsons: (string | undefined)[];
  /** What the decoder gives back for each item (when the encoder keeps events). */
  kept: unknown[] | undefined;
}

/** An event as written (its list diffed) and as kept (what the decoder would give back). */
export interface EncodedEvent {
  written: Record<string, unknown>;
  /** Undefined unless the encoder keeps events. */
  kept: Record<string, unknown> | undefined;
  /** `JSON.stringify(written)`, when the encoder wrote it from JSON it held (kernel/delta-line). */
  line?: string;
}

/** What stays true of a frozen item for good: its key. */
interface FrozenItem {
  key: string | undefined;
}

/** An item as the decoder gives it back: its JSON value, frozen. */
function keptItem(item: unknown): unknown {
  return deepFreeze(jsonValue(item));
}

/** Record time: replaces a list by its change since the stream's previous list. */
export class ListDeltaEncoder {
  private readonly previous = new Map<string, EncodedList>();
  /**
   * The key of each frozen item met, taken once per object (its JSON too: kernel/frozen-json).
   * At 1,000 devices one shared record (client/reference/shown-pool) is put in the views of
   * every device: its key and JSON were made again for each.
   */
  private readonly frozenItems = new WeakMap<object, FrozenItem>();
  private readonly keyOf = (item: unknown): string | undefined => this.frozenItem(item)?.key ?? this.spec.key(item);

  /** `keep`: also give each event as the decoder would give it back (`EncodedEvent.kept`). */
  constructor(
    private readonly spec: ListDeltaSpec,
    private readonly keep = false,
  ) {}

  /** The event to write for `event` (itself, or a copy with the list(s) diffed), and to keep. */
  encode(event: Record<string, unknown>): EncodedEvent {
    const { spec } = this;
    if (event.type === spec.type) return this.encodeIn(event, String(event[spec.stream]));
    const embedded = spec.embedded;
    if (embedded === undefined || event.type !== embedded.type || !isObject(event[embedded.field]))
      return { written: event, kept: this.kept(event) };
    const keptEntries = new Map<string, unknown>();
    const written = perStream(event, embedded.field, (entry, stream) => {
      const encoded = this.encodeIn(entry, stream);
      keptEntries.set(stream, encoded.kept);
      return encoded.written;
    });
    if (!this.keep) return { written, kept: undefined };
    // The field's JSON value: each stream's entry as encodeIn kept it, or (not an object) its own.
    const entries = event[embedded.field] as Record<string, unknown>;
    const kept: Record<string, unknown> = {};
    for (const stream of Object.keys(entries)) {
      const value = keptEntries.has(stream) ? keptEntries.get(stream) : jsonValue(entries[stream]);
      // As JSON.parse makes it: a stream named `__proto__` is an own key.
      if (value !== undefined)
        Object.defineProperty(kept, stream, { value, writable: true, enumerable: true, configurable: true });
    }
    return { written, kept: jsonValueWith(event, embedded.field, kept) };
  }

  private kept(event: Record<string, unknown>): Record<string, unknown> | undefined {
    return this.keep ? (jsonValue(event) as Record<string, unknown>) : undefined;
  }

  /** What is known of `item` for good, when it is a frozen data object (kernel/frozen); else undefined. */
  private frozenItem(item: unknown): FrozenItem | undefined {
    if (typeof item !== 'object' || item === null) return undefined;
    let known = this.frozenItems.get(item);
    if (known === undefined && isFrozenData(item)) {
      known = { key: this.spec.key(item) };
      this.frozenItems.set(item, known);
    }
    return known;
  }

  /** The JSON of item `index` of `list` as it was recorded. */
  private jsonAt(list: EncodedList, index: number): string {
    let json = list.jsons[index];
    if (json === undefined) {
      json = frozenJson(list.items[index]) ?? JSON.stringify(list.items[index]) ?? 'null';
      list.jsons[index] = json;
    }
    return json;
  }

  /** `event` (or an embedded entry) with its list diffed against `stream`'s previous one. */
  private encodeIn(event: Record<string, unknown>, stream: string): EncodedEvent {
    const { spec, keep } = this;
    const items = event[spec.list];
    const before = this.previous.get(stream);
    const keys = Array.isArray(items) ? ascendingKeys(this.keyOf, items, before) : undefined;
    if (keys === undefined) {
      this.previous.delete(stream);
      return { written: event, kept: this.kept(event) };
    }
    const list = items as unknown[];
    const now: EncodedList = {
      keys,
      items: list,
      frozen: new Array(list.length),
      jsons: new Array(list.length),
      kept: keep ? new Array(list.length) : undefined,
    };
    this.previous.set(stream, now);
    // Both lists ascend: one walk finds what was put (new or changed) and dropped.
    const put: unknown[] = [];
    // The JSON of each put item while every one is frozen (the line is then written from them).
    let putJsons: string[] | undefined = [];
    const drop: string[] = [];
    let old = 0;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const item = list[index];
      while (before !== undefined && old < before.keys.length && (before.keys[old] as string) < key)
        drop.push(before.keys[old++] as string);
      if (before !== undefined && before.keys[old] === key && before.items[old] === item && before.frozen[old]) {
        // The very same frozen object: unchanged, and its JSON (if taken) carries over.
        now.frozen[index] = true;
        now.jsons[index] = before.jsons[old];
        if (now.kept !== undefined) now.kept[index] = before.kept?.[old];
        old++;
        continue;
      }
      const frozen = isFrozenData(item);
      now.frozen[index] = frozen;
      if (!frozen) now.jsons[index] = JSON.stringify(item) ?? 'null';
      if (before !== undefined && before.keys[old] === key && this.jsonAt(before, old) === this.jsonAt(now, index)) {
        if (now.kept !== undefined) now.kept[index] = before.kept?.[old];
        old++;
        continue;
      }
      if (before !== undefined && before.keys[old] === key) old++;
      put.push(item);
      if (now.kept !== undefined) now.kept[index] = keptItem(item);
      if (!frozen) putJsons = undefined;
      else putJsons?.push(this.jsonAt(now, index));
    }
    // A reader that sorts its list must not reorder the list the next event is diffed against.
    const kept = now.kept === undefined ? undefined : jsonValueWith(event, spec.list, now.kept.slice());
    if (before === undefined) return { written: event, kept };
    while (old < before.keys.length) drop.push(before.keys[old++] as string);
    const delta: ListDelta = { put, drop };
    const written = renamed(event, spec.list, deltaField(spec), delta);
    const line = putJsons === undefined ? undefined : deltaLine(written, deltaField(spec), putJsons, drop);
    return line === undefined ? { written, kept } : { written, kept, line };
  }
}

/**
 * Read time: gives a diffed event, parsed from its line, its whole list back. The trace keeps
 * its events whole (the encoder's `kept`), so this is for a reader of the hashed lines
 * themselves: test/kernel/trace-delta.test.ts holds the kept events to what it reads back.
 */
export class ListDeltaDecoder {
  /** Per stream, the previous list: keys ascending and the items. */
  private readonly previous = new Map<string, { keys: string[]; items: unknown[] }>();

  constructor(private readonly spec: ListDeltaSpec) {}

  /** `event` (as parsed from its line) with its whole list(s). */
  decode(event: Record<string, unknown>): Record<string, unknown> {
    const { spec } = this;
    if (event.type === spec.type) return this.decodeIn(event, String(event[spec.stream]), event.seq);
    const embedded = spec.embedded;
    if (embedded === undefined || event.type !== embedded.type) return event;
    return perStream(event, embedded.field, (entry, stream) => this.decodeIn(entry, stream, event.seq));
  }

  /** `event` (or an embedded entry) with the whole list of `stream` back. */
  private decodeIn(event: Record<string, unknown>, stream: string, seq: unknown): Record<string, unknown> {
    const { spec } = this;
    const field = deltaField(spec);
    const delta = event[field] as ListDelta | undefined;
    if (delta === undefined) {
      const items = event[spec.list];
      const keys = Array.isArray(items) ? ascendingKeys(spec.key, items) : undefined;
      if (keys === undefined) this.previous.delete(stream);
      else this.previous.set(stream, { keys, items: (items as unknown[]).map(deepFreeze) });
      return event;
    }
    const before = this.previous.get(stream);
    if (before === undefined) throw new Error(`[syncstorm] trace event ${seq}: a list change with no list before`);
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
