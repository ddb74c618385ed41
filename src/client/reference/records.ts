/**
 * @module client/reference/records
 * Keeping a record row truthful after anything changed under it: adopting a newer server
 * state as its base (never an older one), deferring a server state that arrived while
 * local edits were pending, and recomputing the view and status. Called inside the
 * transaction that made the change.
 */
import type { Fields, PatchOp, ServerRecord } from '../../server/protocol.ts';
import { fieldPolicy } from '../contract.ts';
import type { ClientContext } from './context.ts';
import { foldIntoRecordConflict, openConflict } from './open-conflict.ts';
import { enqueue } from './outbox.ts';
import { sameValue } from './patch.ts';
import type { RecordRow } from './schema.ts';
import { localView, recordStatus } from './view.ts';

/** A record row for a record first seen on the server. */
export function emptyRecord(collection: string, id: string): RecordRow {
  return {
    collection,
    id,
    fields: {},
    deleted: false,
    status: 'synced',
    error: null,
    baseFields: null,
    baseDeleted: false,
    rev: null,
    serverUpdatedAt: null,
    shadow: null,
  };
}

/** The reference rev check: a server state is newer than a local base of rev `localRev` (null: none). */
export function revIsNewer(localRev: number | null, remoteRev: number): boolean {
  return localRev === null || remoteRev > localRev;
}

/** True when `server` is newer than what `record` is based on (through the `isNewer` hook). */
export function isNewer(ctx: ClientContext, record: RecordRow | undefined, server: ServerRecord): boolean {
  return ctx.hooks.isNewer(record?.rev ?? null, server.rev);
}

/**
 * Makes `server` the base of its record when it is newer; pending ops not yet sent move
 * their baseRev along (their changes were made on top of this state; a create of a new
 * record keeps its null baseRev, a restoring create follows the tombstone). A pending delete
 * moves along only after this device's own write (`ownWrite`) applied on the very version the
 * delete was made on: a delete must never go out
 * on a version its user has not seen, or it wipes edits nobody reviewed. Returns the row.
 */
export function adoptBase(ctx: ClientContext, server: ServerRecord, options: { ownWrite?: boolean } = {}): RecordRow {
  const record = ctx.store.record(server.collection, server.id) ?? emptyRecord(server.collection, server.id);
  if (!isNewer(ctx, record, server)) return record;
  record.baseFields = structuredClone(server.fields);
  record.baseDeleted = server.deleted;
  record.rev = server.rev;
  record.serverUpdatedAt = server.updatedAtServer;
  if (record.shadow !== null && record.shadow.rev <= server.rev) record.shadow = null;
  ctx.store.putRecord(record);
  for (const op of ctx.store.opsFor(server.collection, server.id)) {
    if (op.state !== 'pending' || (op.kind === 'create' && op.baseRev === null)) continue;
    // Our own op applied right on the delete's base leaves nothing unseen in between.
    if (op.kind === 'delete' && !(options.ownWrite === true && (op.baseRev ?? 0) === server.rev - 1)) continue;
    ctx.store.updateOp({ ...op, baseRev: server.rev });
  }
  refreshConflicts(ctx, record, server);
  return record;
}

/**
 * Keeps open conflicts truthful when a newer server state arrives. A field conflict shows the
 * server's latest value: a user who resolves it against an older one would silently
 * overwrite a write they never saw. A whole-record conflict whose premise is gone (the record
 * was deleted there, and someone has since restored it) becomes field conflicts on the
 * manual fields where the user's version differs from the restored one.
 */
function refreshConflicts(ctx: ClientContext, record: RecordRow, server: ServerRecord): void {
  for (const conflict of ctx.store.conflictsFor(server.collection, server.id)) {
    if (conflict.remoteRev >= server.rev) continue;
    if (conflict.field !== null) {
      ctx.store.updateConflictRemote(conflict.id, server.fields[conflict.field] ?? null, server.rev);
      continue;
    }
    if (server.deleted && conflict.local === null) {
      // Deleted here, and now deleted there too: nothing is contested any more.
      ctx.store.deleteConflict(conflict.id);
      continue;
    }
    if (conflict.remote !== null || server.deleted) {
      ctx.store.updateConflictRemote(conflict.id, server.deleted ? null : server.fields, server.rev);
      continue;
    }
    const local = conflict.local as Fields | null;
    ctx.store.deleteConflict(conflict.id);
    if (local !== null) splitRecordConflict(ctx, record, server, local);
  }
}

/** A restored record's conflict, field by field: sets union; differing manual fields need review. */
function splitRecordConflict(ctx: ClientContext, record: RecordRow, server: ServerRecord, local: Fields): void {
  const added: PatchOp[] = [];
  for (const field of Object.keys(local).sort()) {
    const policy = fieldPolicy(ctx.options.policy, field);
    const mine = local[field];
    const theirs = server.fields[field];
    if (policy === 'set-union' && Array.isArray(mine)) {
      const missing = mine.filter((value) => !(Array.isArray(theirs) && theirs.includes(value)));
      if (missing.length > 0) added.push({ op: 'add', field, values: missing });
    } else if (policy === 'manual' && !sameValue(mine, theirs)) {
      openConflict(ctx, record, server.rev, field, { local: mine ?? null, remote: theirs ?? null });
    }
  }
  if (added.length > 0)
    enqueue(ctx, { collection: server.collection, recordId: server.id, kind: 'update', patch: added });
}

/** Keeps `server` aside until the record's pending ops are through (unless it is older). */
export function deferRemote(ctx: ClientContext, server: ServerRecord): void {
  const record = ctx.store.record(server.collection, server.id) ?? emptyRecord(server.collection, server.id);
  if (!isNewer(ctx, record, server)) return;
  if (record.shadow !== null && record.shadow.rev >= server.rev) return;
  record.shadow = structuredClone(server);
  ctx.store.putRecord(record);
}

/** Recomputes view and status; adopts the deferred server state once nothing is pending. */
export function refreshRecord(ctx: ClientContext, collection: string, id: string): RecordRow | undefined {
  let record = ctx.store.record(collection, id);
  if (record === undefined) return undefined;
  const ops = ctx.store.opsFor(collection, id);
  if (ops.length === 0 && record.shadow !== null) {
    const shadow = record.shadow;
    record.shadow = null;
    ctx.store.putRecord(record);
    record = adoptBase(ctx, shadow);
  }
  if (record.baseDeleted && ops.length === 0) foldIntoRecordConflict(ctx, record);
  const conflicts = ctx.store.conflictsFor(collection, id);
  const view = localView(record, ops, conflicts);
  record.fields = view.fields;
  record.deleted = view.deleted;
  record.status = recordStatus(record, ops, conflicts);
  ctx.store.putRecord(record);
  return record;
}
