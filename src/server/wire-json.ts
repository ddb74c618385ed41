/**
 * @module server/wire-json
 * The wire JSON of a stored record, made once per record version. Every device pulls every
 * record, so at 1,000 devices the same version was copied (`toWire`) and stringified a
 * thousand times, once per page that handed it out. A stored record is frozen, fields and
 * set arrays included (store.ts: a commit replaces the object, never mutates it), so its
 * JSON cannot change while the object lives: the text is remembered per object, and a new
 * rev is a new object with text of its own.
 */
import { type StoredRecord, toWire } from './store.ts';

interface WireText {
  text: string;
  /** Its UTF-8 byte length. */
  bytes: number;
}

const texts = new WeakMap<StoredRecord, WireText>();

/** `JSON.stringify(toWire(record))` and its UTF-8 length, computed once per frozen record object. */
export function wireText(record: StoredRecord): WireText {
  let wire = texts.get(record);
  if (wire === undefined) {
    const text = JSON.stringify(toWire(record));
    wire = { text, bytes: Buffer.byteLength(text) };
    // An object that could still change (none the store makes) is never remembered.
    if (Object.isFrozen(record) && Object.isFrozen(record.fields)) texts.set(record, wire);
  }
  return wire;
}

/** `JSON.stringify(toWire(record))`, computed once per frozen record object. */
export function wireJson(record: StoredRecord): string {
  return wireText(record).text;
}
