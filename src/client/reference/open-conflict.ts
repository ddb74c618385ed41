/**
 * @module client/reference/open-conflict
 * Recording a needs-review conflict: the row the app will see in `conflicts()`, and its
 * log event. A field conflict holds both values of one field; a record conflict (field
 * null) holds the user's version of the record (null: deleted here) and the server's
 * (null: deleted there).
 */
import { type ClientContext, log } from './context.ts';
import type { RecordRow } from './schema.ts';

export function openConflict(
  ctx: ClientContext,
  record: RecordRow,
  remoteRev: number,
  field: string | null,
  values: { local: unknown; remote: unknown },
): void {
  const id = ctx.env.uuid();
  ctx.store.insertConflict({
    id,
    collection: record.collection,
    recordId: record.id,
    field,
    local: values.local,
    remote: values.remote,
    remoteRev,
    createdAt: ctx.env.clock.now(),
  });
  log(ctx, 'conflict', { conflictId: id, collection: record.collection, id: record.id, field, remoteRev });
}

/**
 * Field conflicts of a record the server has deleted (and nothing local is pending) become
 * one record conflict: the user's unresolved values must not vanish with the record.
 */
export function foldIntoRecordConflict(ctx: ClientContext, record: RecordRow): void {
  const conflicts = ctx.store.conflictsFor(record.collection, record.id);
  const fieldConflicts = conflicts.filter((conflict) => conflict.field !== null);
  if (fieldConflicts.length === 0) return;
  if (!conflicts.some((conflict) => conflict.field === null)) {
    openConflict(ctx, record, record.rev ?? 0, null, { local: record.fields, remote: null });
  }
  for (const conflict of fieldConflicts) ctx.store.deleteConflict(conflict.id);
}
