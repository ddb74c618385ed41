/**
 * @module examples/watermelondb/schema
 * How syncstorm records map onto WatermelonDB tables. One table per syncstorm collection
 * (`notes`, `tasks`); one column per workload field, so that WatermelonDB's own conflict
 * resolution (per column: columns changed locally win, the others take the server's value)
 * applies field by field as it does in apps: `title`, `body` (text), `done` (boolean),
 * `tags` (a set, JSON text), `likes` (a number), `extra` (any other field, JSON text).
 * Two columns only the sync adapter writes: `rev`, the server revision the record is based
 * on, and `base`, the server's fields at that revision (JSON), which the push diffs against.
 */
import { appSchema, Model, tableSchema } from '@nozbe/watermelondb';
import type { Fields, FieldValue, ServerRecord } from '../../src/index.ts';

export const COLLECTIONS = ['notes', 'tasks'] as const;

/** Workload fields with a column of their own; JSON-encoded ones hold a set. */
const COLUMNS = {
  title: { type: 'string', json: false },
  body: { type: 'string', json: false },
  done: { type: 'boolean', json: false },
  tags: { type: 'string', json: true },
  likes: { type: 'number', json: false },
} as const;

type ColumnName = keyof typeof COLUMNS;
const COLUMN_NAMES = Object.keys(COLUMNS) as ColumnName[];

export const SCHEMA = appSchema({
  version: 1,
  tables: COLLECTIONS.map((name) =>
    tableSchema({
      name,
      columns: [
        ...COLUMN_NAMES.map((column) => ({ name: column, type: COLUMNS[column].type, isOptional: true })),
        { name: 'extra', type: 'string' as const, isOptional: true },
        { name: 'rev', type: 'number' as const },
        { name: 'base', type: 'string' as const, isOptional: true },
      ],
    }),
  ),
});

export class NoteRecord extends Model {
  static override table = 'notes';
}

export class TaskRecord extends Model {
  static override table = 'tasks';
}

export const MODEL_CLASSES = [NoteRecord, TaskRecord];

/** The record's raw columns, as WatermelonDB keeps them. */
export type Raw = Record<string, string | number | boolean | null | undefined>;

/** The fields a raw record shows (absent and null columns are left out). */
export function fieldsOfRaw(raw: Raw): Fields {
  const fields: Fields = {};
  for (const column of COLUMN_NAMES) {
    const value = raw[column];
    if (value === null || value === undefined) continue;
    fields[column] = COLUMNS[column].json ? (JSON.parse(String(value)) as FieldValue) : (value as FieldValue);
  }
  if (typeof raw.extra === 'string' && raw.extra !== '') Object.assign(fields, JSON.parse(raw.extra) as Fields);
  return fields;
}

/** The columns that hold `fields` (every field column, null where the field is absent). */
export function columnsOfFields(fields: Fields): Raw {
  const raw: Raw = {};
  const extra: Fields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!(name in COLUMNS)) extra[name] = value;
  }
  for (const column of COLUMN_NAMES) {
    const value = fields[column];
    raw[column] =
      value === undefined || value === null
        ? null
        : COLUMNS[column].json
          ? JSON.stringify(value)
          : (value as string | number | boolean);
  }
  raw.extra = Object.keys(extra).length === 0 ? null : JSON.stringify(extra);
  return raw;
}

/** A server record as the raw record WatermelonDB's sync applies. */
export function rawOfRecord(record: ServerRecord): Raw {
  return { id: record.id, ...columnsOfFields(record.fields), rev: record.rev, base: JSON.stringify(record.fields) };
}

export function baseOfRaw(raw: Raw): Fields {
  return typeof raw.base === 'string' && raw.base !== '' ? (JSON.parse(raw.base) as Fields) : {};
}
