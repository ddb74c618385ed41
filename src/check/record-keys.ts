/**
 * @module check/record-keys
 * `recordKey` of a shown record, remembered per record object. The trace decoder hands a
 * device's unchanged records to each of its views as the same frozen objects, and the
 * checkers key every record of every view: a frozen record's collection and id cannot
 * change (when they are data properties, not getters), so its key is made once. Any other
 * record (a hand-made history, a client's unfrozen list) is keyed afresh each time.
 */
import { type RecordKey, recordKey } from './values.ts';

interface Keyed {
  readonly collection: string;
  readonly id: string;
}

const keys = new WeakMap<Keyed, RecordKey>();

/** `recordKey(record.collection, record.id)`. */
export function keyOf(record: Keyed): RecordKey {
  const known = keys.get(record);
  if (known !== undefined) return known;
  const key = recordKey(record.collection, record.id);
  if (Object.isFrozen(record) && isData(record, 'collection') && isData(record, 'id')) keys.set(record, key);
  return key;
}

/** True when `name` is an own data property (a frozen one then never changes; a getter might). */
function isData(record: Keyed, name: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(record, name);
  return descriptor !== undefined && 'value' in descriptor;
}
