/**
 * @module kernel/delta-line
 * A trace line written from JSON texts already held, instead of serialising the same records
 * again: the items put by a diffed list (kernel/trace-delta) and the items of a list of
 * frozen records (the records a server hands out). At 1,000 devices every device's views
 * put every record and every page hands it out again, the same frozen object each time: the
 * lines held ≈ 190 MB of such records per run, while the distinct records' JSON is well under
 * 1 MB (bench/README.md, session 10).
 *
 * A line is exactly `JSON.stringify(event)`: its fields in JSON.stringify's own order
 * (Object.keys: integer keys first, then insertion order), each other field written by
 * JSON.stringify of a one-field object (so `toJSON` gets its field name, as in the whole
 * object), and the one field given as text. Texts are used only for items whose JSON does
 * not depend on where they stand (frozen plain data, kernel/frozen: no `toJSON`).
 */
import { frozenJson } from './frozen-json.ts';

/** Lists shorter than this are written by JSON.stringify (the texts would save little). */
const LIST_MIN = 8;

/**
 * `JSON.stringify(event)` with `event[field]` written as `open`, the `items` joined by
 * commas, then `close` (which the caller guarantees is JSON.stringify of that value there);
 * undefined when `event` could serialise otherwise (a `toJSON` of its own). The line is made
 * by one join, into one flat string: the digest reads it with no further copy.
 */
export function lineWithField(
  event: Record<string, unknown>,
  field: string,
  open: string,
  items: readonly string[],
  close: string,
): string | undefined {
  if ('toJSON' in event) return undefined;
  const pieces: string[] = [];
  for (const key of Object.keys(event)) {
    if (key !== field) {
      // A computed key is an own property even when it is `__proto__`.
      const one = JSON.stringify({ [key]: event[key] });
      if (one !== '{}') pieces.push(one.slice(1, -1));
      continue;
    }
    const head = `${JSON.stringify(key)}:${open}`;
    if (items.length === 0) {
      pieces.push(head + close);
      continue;
    }
    // The items' commas are the join's own.
    const first = pieces.length;
    for (const item of items) pieces.push(item);
    pieces[first] = head + pieces[first];
    pieces[pieces.length - 1] += close;
  }
  if (pieces.length === 0) return '{}';
  pieces[0] = `{${pieces[0]}`;
  pieces[pieces.length - 1] += '}';
  return pieces.join(',');
}

/**
 * `JSON.stringify(written)`, where `written[field]` is `{ put, drop }` and `putJsons[i]` is
 * the JSON of `put[i]`; undefined when `written` could serialise otherwise (a `toJSON` of
 * its own, or a delta that is not exactly those two fields).
 */
export function deltaLine(
  written: Record<string, unknown>,
  field: string,
  putJsons: readonly string[],
  drop: readonly string[],
): string | undefined {
  const delta = written[field] as Record<string, unknown> | undefined;
  if (delta === undefined || Object.keys(delta).join() !== 'put,drop') return undefined;
  return lineWithField(written, field, '{"put":[', putJsons, `],"drop":${JSON.stringify(drop)}}`);
}

/** Its items' texts, when `list` is a plain array of at least LIST_MIN frozen objects. */
function frozenListTexts(list: unknown): string[] | undefined {
  if (!Array.isArray(list) || list.length < LIST_MIN || Object.getPrototypeOf(list) !== Array.prototype)
    return undefined;
  if (Object.hasOwn(list, 'toJSON')) return undefined;
  const texts: string[] = new Array(list.length);
  for (let index = 0; index < list.length; index++) {
    const text = frozenJson(list[index]);
    if (text === undefined) return undefined;
    texts[index] = text;
  }
  return texts;
}

/**
 * `JSON.stringify(event)`, its first long list of frozen records written from their texts
 * (kernel/frozen-json); the plain JSON.stringify when it has none.
 */
export function eventLine(event: Record<string, unknown>): string {
  for (const key of Object.keys(event)) {
    const texts = frozenListTexts(event[key]);
    if (texts !== undefined) return lineWithField(event, key, '[', texts, ']') ?? JSON.stringify(event);
  }
  return JSON.stringify(event);
}
