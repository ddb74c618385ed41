/**
 * @module check/record-keys
 * The key of a shown record object, made once per object. The checkers look up the key of
 * every record of every view: at 1,000 devices 1.4 million records in 7,300 views, yet only
 * some 830 distinct record objects (the trace decoder hands a device's unchanged records to
 * its next view as the same frozen objects, and the reference client's devices share
 * theirs). Building `collection/id` anew each time, and hashing the new string in the
 * Map it is looked up in, cost about 0.4 µs a lookup there; the cached key, hashed once,
 * about a quarter of that (a micro-benchmark of 1.4 million lookups: 500-800 ms against
 * 80-180 ms). A record object's collection and id never change while it is checked (the
 * trace's records are frozen).
 */
import { type RecordKey, recordKey } from './values.ts';

const keys = new WeakMap<object, RecordKey>();

/** recordKey(record.collection, record.id), made once per record object. */
export function keyOf(record: { readonly collection: string; readonly id: string }): RecordKey {
  let key = keys.get(record);
  if (key === undefined) {
    key = recordKey(record.collection, record.id);
    keys.set(record, key);
  }
  return key;
}
