/**
 * @module client/reference/writes
 * The app's local writes: each one changes the record's view and enters the outbox in one
 * transaction, so a kill keeps both or neither. Ids are minted here, on the device. A write
 * to a record the device no longer shows (deleted meanwhile) is ignored and logged, as an
 * app would find the record gone. A write to a field with an open conflict settles that
 * conflict in favour of the new value (the user has seen both). An edit of a record this
 * device edited and another deleted goes into the conflict's local version and waits for
 * the user's resolve: restoring a deleted record is a decision, never a side effect.
 */
import type { Fields, PatchOp } from '../contract.ts';
import { resolveConflict, visibleChoice } from './conflicts.ts';
import { type ClientContext, logApp as log } from './context.ts';
import { enqueue, type LocalWrite } from './outbox.ts';
import { applyPatch, patchFromFields, touchedFields } from './patch.ts';
import { emptyRecord, refreshRecord } from './records.ts';

/** Enqueues `write` and refreshes its record; the caller holds the transaction. */
export function writeLocal(ctx: ClientContext, write: LocalWrite): void {
  const { opId, coalesced } = enqueue(ctx, write);
  refreshRecord(ctx, write.collection, write.recordId);
  log(ctx, 'write', {
    kind: write.kind,
    collection: write.collection,
    id: write.recordId,
    outboxItemId: opId ?? null,
    coalesced,
  });
}

export function createLocal(ctx: ClientContext, collection: string, fields: Fields): string {
  const id = ctx.env.uuid();
  ctx.store.transaction(() => {
    ctx.store.putRecord({ ...emptyRecord(collection, id), fields: structuredClone(fields), status: 'pending' });
    writeLocal(ctx, { collection, recordId: id, kind: 'create', patch: patchFromFields(fields) });
  });
  return id;
}

/** Folds `patch` into an open edited-here, deleted-there conflict; true if there was one. */
function editInConflict(ctx: ClientContext, collection: string, id: string, patch: PatchOp[]): boolean {
  const conflict = ctx.store.conflictsFor(collection, id).find((row) => row.field === null && row.remote === null);
  if (conflict === undefined || conflict.local === null || typeof conflict.local !== 'object') return false;
  ctx.store.updateConflictLocal(conflict.id, applyPatch(structuredClone(conflict.local as Fields), patch));
  refreshRecord(ctx, collection, id);
  log(ctx, 'write-into-conflict', { conflictId: conflict.id, collection, id });
  return true;
}

/** Settles the record's conflicts that this write overrides; false if the record is not shown. */
function clearWay(ctx: ClientContext, collection: string, id: string, fields: readonly string[] | 'all'): boolean {
  for (const conflict of ctx.store.conflictsFor(collection, id)) {
    if (conflict.field === null) {
      // A delete of a record deleted elsewhere agrees with the server: keep-remote.
      const choice =
        fields === 'all' && conflict.remote === null ? { choice: 'keep-remote' as const } : visibleChoice(conflict);
      resolveConflict(ctx, conflict, choice);
    } else if (fields === 'all' || fields.includes(conflict.field)) {
      ctx.store.deleteConflict(conflict.id);
      log(ctx, 'conflict-superseded', { conflictId: conflict.id, collection, id, field: conflict.field });
    }
  }
  const record = ctx.store.record(collection, id);
  if (record !== undefined && !record.deleted) return true;
  log(ctx, 'write-ignored', { collection, id, reason: record === undefined ? 'unknown-record' : 'deleted' });
  return false;
}

export function updateLocal(ctx: ClientContext, collection: string, id: string, patch: PatchOp[]): void {
  if (patch.length === 0) return;
  ctx.store.transaction(() => {
    if (editInConflict(ctx, collection, id, patch)) return;
    if (!clearWay(ctx, collection, id, touchedFields(patch))) return;
    writeLocal(ctx, { collection, recordId: id, kind: 'update', patch: structuredClone(patch) });
  });
}

export function deleteLocal(ctx: ClientContext, collection: string, id: string): void {
  ctx.store.transaction(() => {
    if (!clearWay(ctx, collection, id, 'all')) return;
    writeLocal(ctx, { collection, recordId: id, kind: 'delete', patch: [] });
  });
}
