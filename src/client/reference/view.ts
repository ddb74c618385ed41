/**
 * @module client/reference/view
 * What the app sees of one record, pure: the server state the client last adopted, with
 * every pending local write replayed on top and every open conflict showing the user's own
 * value. Recomputing the view from these parts (instead of editing it in place) is what
 * makes a rebase safe: a new base never loses a pending edit, and a kill between two
 * transactions leaves nothing half-applied.
 */
import type { Fields, RecordStatus } from '../contract.ts';
import { applyPatch } from './patch.ts';
import type { ConflictRow, OutboxRow, RecordRow } from './schema.ts';

export interface View {
  fields: Fields;
  deleted: boolean;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The local view of `record` given its pending ops and open conflicts. A record never
 * synced and with no pending op (a rejected create) keeps the view it had.
 */
export function localView(record: RecordRow, ops: readonly OutboxRow[], conflicts: readonly ConflictRow[]): View {
  let view: View =
    record.baseFields === null
      ? { fields: record.fields, deleted: record.deleted }
      : { fields: structuredClone(record.baseFields), deleted: record.baseDeleted };
  for (const op of ops) {
    if (op.kind === 'create') view = { fields: applyPatch({}, op.patch), deleted: false };
    else if (op.kind === 'update') view = { fields: applyPatch(view.fields, op.patch), deleted: view.deleted };
    else view = { fields: view.fields, deleted: true };
  }
  for (const conflict of conflicts) {
    if (conflict.field !== null) {
      view.fields[conflict.field] = conflict.local as Fields[string];
    } else if (isFields(conflict.local)) {
      // Edited here, deleted there: the user's version stays visible until resolved.
      view = { fields: structuredClone(conflict.local), deleted: false };
    } else {
      // Deleted here, edited there: the edited version stays visible until resolved.
      view = { fields: view.fields, deleted: false };
    }
  }
  return view;
}

export function recordStatus(
  record: RecordRow,
  ops: readonly OutboxRow[],
  conflicts: readonly ConflictRow[],
): RecordStatus {
  if (conflicts.length > 0) return 'needs-review';
  if (ops.length > 0) return 'pending';
  if (record.error !== null) return 'error';
  return 'synced';
}
