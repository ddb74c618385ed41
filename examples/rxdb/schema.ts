/**
 * @module examples/rxdb/schema
 * How syncstorm records map onto RxDB documents. One RxDB collection (`records`) holds
 * every syncstorm collection of a device: `coll` names it (`collection` is a reserved
 * document property in RxDB), the primary key is composite (`coll|id`), `fields` is the
 * record's fields as one object, and `rev` is the server revision the document's state is
 * based on (0 before the server has seen it). One collection per device keeps well under
 * open-source RxDB's cap of 13 open collections per process.
 */
import type { Fields, ServerRecord } from '../../src/index.ts';

export interface RecordDoc {
  key: string;
  coll: string;
  id: string;
  fields: Fields;
  rev: number;
}

export interface DeletableDoc extends RecordDoc {
  _deleted: boolean;
}

export const KEY_SEPARATOR = '|';

export function docKey(collection: string, id: string): string {
  return `${collection}${KEY_SEPARATOR}${id}`;
}

export const RECORD_SCHEMA = {
  version: 0,
  primaryKey: { key: 'key', fields: ['coll', 'id'], separator: KEY_SEPARATOR },
  type: 'object',
  properties: {
    key: { type: 'string', maxLength: 300 },
    coll: { type: 'string', maxLength: 64 },
    id: { type: 'string', maxLength: 200 },
    fields: { type: 'object' },
    rev: { type: 'number', minimum: 0, maximum: 1e12, multipleOf: 1 },
  },
  required: ['key', 'coll', 'id', 'fields', 'rev'],
  indexes: ['coll'],
} as const;

/** A server record as the document RxDB stores for it (a tombstone is a deleted document). */
export function docOfRecord(record: ServerRecord): DeletableDoc {
  return {
    key: docKey(record.collection, record.id),
    coll: record.collection,
    id: record.id,
    fields: record.deleted ? {} : record.fields,
    rev: record.rev,
    _deleted: record.deleted,
  };
}

/** What identifies a document's content for the server: its fields and whether it is deleted. */
export function contentOf(doc: { fields: Fields; _deleted?: boolean }): { fields: Fields; deleted: boolean } {
  return { fields: doc._deleted === true ? {} : doc.fields, deleted: doc._deleted === true };
}
