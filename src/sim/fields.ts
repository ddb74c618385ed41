/**
 * @module sim/fields
 * The shape of the records the workload writes, and how a step's generated value is made.
 * Each field kind exercises one merge question: text (three-way or last-writer-wins), a
 * boolean toggle, a set (union), a counter (increments add up).
 */

export type FieldKind = 'text' | 'flag' | 'set' | 'counter';

export const WORKLOAD_COLLECTIONS = ['notes', 'tasks'] as const;

export const WORKLOAD_FIELDS: Readonly<Record<string, FieldKind>> = {
  title: 'text',
  body: 'text',
  done: 'flag',
  tags: 'set',
  likes: 'counter',
};

export function fieldKind(field: string): FieldKind {
  // Own keys only: a field named `constructor` is text, not Object's constructor.
  return Object.hasOwn(WORKLOAD_FIELDS, field) ? (WORKLOAD_FIELDS[field] as FieldKind) : 'text';
}

/** The unique value written by step `stepIndex` of `device` to a text or set field. */
export function writtenValue(device: string, stepIndex: number, field: string): string {
  return `${device}.s${stepIndex}.${field}`;
}
