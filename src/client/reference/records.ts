/**
 * @module client/reference/records
 * Keeping a record row truthful after anything changed under it: adopting a newer server
 * state as its base (never an older one), deferring a server state that arrived while
 * local edits were pending, and recomputing the view and status. Called inside the
 * transaction that made the change.
 */
import type { ServerRecord } from '../../server/protocol.ts';
import type { ClientContext } from './context.ts';
import { foldIntoRecordConflict } from './open-conflict.ts';
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
 * record keeps its null baseRev, a restoring create follows the tombstone). Returns the row.
 */
export function adoptBase(ctx: ClientContext, server: ServerRecord): RecordRow {
  const record = ctx.store.record(server.collection, server.id) ?? emptyRecord(server.collection, server.id);
  if (!isNewer(ctx, record, server)) return record;
  record.baseFields = structuredClone(server.fields);
  record.baseDeleted = server.deleted;
  record.rev = server.rev;
  record.serverUpdatedAt = server.updatedAtServer;
  if (record.shadow !== null && record.shadow.rev <= server.rev) record.shadow = null;
  ctx.store.putRecord(record);
  for (const op of ctx.store.opsFor(server.collection, server.id)) {
    if (op.state === 'pending' && (op.kind !== 'create' || op.baseRev !== null))
      ctx.store.updateOp({ ...op, baseRev: server.rev });
  }
  return record;
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
