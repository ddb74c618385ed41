/**
 * @module client/reference/conflicts
 * Needs-review conflicts as the app sees them, and their resolution. Resolving is a local
 * write like any other (it goes through the outbox), made on the server state the conflict
 * was detected against:
 * - a field conflict: keep-local or a merged value sends a `set` of it; keep-remote sends nothing;
 * - edited here, deleted there: keep-local (or merged fields) restores the record with a
 *   create on the tombstone's rev; keep-remote lets it stay deleted;
 * - deleted here, edited there: keep-local sends the delete again; keep-remote keeps the
 *   edited record; merged fields are written over it.
 */
import type { Conflict, Fields, FieldValue, PatchOp, Resolution } from '../contract.ts';
import { type ClientContext, logApp } from './context.ts';
import { enqueue } from './outbox.ts';
import { patchFromFields, sameValue } from './patch.ts';
import { refreshRecord } from './records.ts';
import type { ConflictRow } from './schema.ts';

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toConflict(row: ConflictRow): Conflict {
  return {
    id: row.id,
    collection: row.collection,
    recordId: row.recordId,
    ...(row.field === null ? {} : { field: row.field }),
    local: row.local as Conflict['local'],
    remote: row.remote as Conflict['remote'],
  };
}

/** The choice that keeps what the device shows (used when a new write overrides a conflict). */
export function visibleChoice(row: ConflictRow): Resolution {
  return isFields(row.local) ? { choice: 'keep-local' } : { choice: 'keep-remote' };
}

/** A patch that turns `current` into `target` (sets by add/remove, everything else by set). */
function patchTo(current: Fields, target: Fields): PatchOp[] {
  const patch: PatchOp[] = [];
  for (const field of [...new Set([...Object.keys(current), ...Object.keys(target)])].sort()) {
    const before = current[field];
    const after: FieldValue = target[field] ?? null;
    if (sameValue(before, after)) continue;
    if (Array.isArray(after)) {
      const had = Array.isArray(before) ? before : [];
      if (!Array.isArray(before) && before !== undefined && before !== null)
        patch.push({ op: 'set', field, value: null });
      const added = after.filter((value) => !had.includes(value));
      const removed = had.filter((value) => !after.includes(value));
      if (added.length > 0) patch.push({ op: 'add', field, values: added });
      if (removed.length > 0) patch.push({ op: 'remove', field, values: removed });
    } else {
      patch.push({ op: 'set', field, value: after });
    }
  }
  return patch;
}

function resolveField(ctx: ClientContext, row: ConflictRow, resolution: Resolution): void {
  const field = row.field as string;
  const value =
    resolution.choice === 'keep-local' ? row.local : resolution.choice === 'merged' ? resolution.value : undefined;
  if (value === undefined) return;
  const record = ctx.store.record(row.collection, row.recordId);
  const patch = patchTo({ [field]: record?.baseFields?.[field] ?? null }, { [field]: value as FieldValue });
  if (patch.length > 0) enqueue(ctx, { collection: row.collection, recordId: row.recordId, kind: 'update', patch });
}

function resolveRecord(ctx: ClientContext, row: ConflictRow, resolution: Resolution): void {
  const target =
    resolution.choice === 'keep-local' ? row.local : resolution.choice === 'merged' ? resolution.value : undefined;
  const write = { collection: row.collection, recordId: row.recordId };
  const record = ctx.store.record(row.collection, row.recordId);
  if (record === undefined || target === undefined) return;
  if (target === null) {
    enqueue(ctx, { ...write, kind: 'delete', patch: [] });
  } else if (isFields(target) && record.baseDeleted) {
    enqueue(ctx, { ...write, kind: 'create', patch: patchFromFields(target) });
  } else if (isFields(target)) {
    const patch = patchTo(record.baseFields ?? {}, target);
    if (patch.length > 0) enqueue(ctx, { ...write, kind: 'update', patch });
  }
}

/** Resolves one conflict (inside the caller's transaction). */
export function resolveConflict(ctx: ClientContext, row: ConflictRow, resolution: Resolution): void {
  ctx.store.deleteConflict(row.id);
  if (row.field === null) resolveRecord(ctx, row, resolution);
  else resolveField(ctx, row, resolution);
  logApp(ctx, 'resolve', {
    conflictId: row.id,
    collection: row.collection,
    id: row.recordId,
    choice: resolution.choice,
  });
  refreshRecord(ctx, row.collection, row.recordId);
}
