/**
 * @module client/reference/merge
 * The reference answer to a 409: a three-way merge per field between the base the local
 * writes were made on, the local view, and the server's current record.
 * - a field changed on one side only keeps that side's change;
 * - `add`/`remove`/`inc` commute, so they are simply resent on the new base (sets union,
 *   counters add up); `lww` fields resend the local value;
 * - a `manual` field `set` on both sides to different values becomes a needs-review
 *   conflict holding both values; its local `set`s leave the outbox until resolved;
 * - an edit against a delete (either way round) becomes a whole-record conflict; a delete
 *   whose record did not change on the server (a spurious 409) is simply resent.
 * The rejected op gets a new op id: its old key is spent on a rejection, and its body
 * (new baseRev) changes. Runs inside one transaction.
 */
import type { ConflictBody, Fields, PatchOp, ServerRecord } from '../../server/protocol.ts';
import { fieldPolicy } from '../contract.ts';
import { type ClientContext, log } from './context.ts';
import { openConflict } from './open-conflict.ts';
import { acknowledge } from './outbox.ts';
import { sameValue } from './patch.ts';
import { adoptBase, refreshRecord } from './records.ts';
import type { OutboxRow, RecordRow } from './schema.ts';

/** Manual fields this device `set` and the server changed to something else since the base. */
function contestedFields(
  ctx: ClientContext,
  record: RecordRow,
  ops: readonly OutboxRow[],
  current: ServerRecord,
): string[] {
  const base: Fields = record.baseFields ?? {};
  const fields = new Set<string>();
  for (const op of ops) {
    for (const patchOp of op.patch) {
      if (patchOp.op !== 'set' || fieldPolicy(ctx.options.policy, patchOp.field) !== 'manual') continue;
      const field = patchOp.field;
      const changedRemotely = !sameValue(current.fields[field], base[field]);
      if (changedRemotely && !sameValue(current.fields[field], record.fields[field])) fields.add(field);
    }
  }
  return [...fields];
}

/** True when the server's fields differ from the base the local writes were made on. */
function changedRemotely(record: RecordRow, current: ServerRecord): boolean {
  const base: Fields | null = record.baseFields;
  if (base === null) return true;
  const fields = new Set([...Object.keys(base), ...Object.keys(current.fields)]);
  return [...fields].some((field) => !sameValue(base[field], current.fields[field]));
}

/**
 * A delete made on an older version than the server's: it would remove changes its user
 * never saw. (A spurious 409 leaves the rev and fields as they were: the delete is resent.)
 */
function deleteIsStale(record: RecordRow, row: OutboxRow, current: ServerRecord): boolean {
  return (row.baseRev !== null && row.baseRev !== current.rev) || changedRemotely(record, current);
}

/** Drops every op of the record and opens a whole-record conflict. */
function recordConflict(
  ctx: ClientContext,
  record: RecordRow,
  row: OutboxRow,
  ops: readonly OutboxRow[],
  current: ServerRecord,
): void {
  const local = row.kind === 'delete' ? null : record.fields;
  const remote = current.deleted ? null : current.fields;
  for (const op of ops) ctx.store.deleteOp(op.seq);
  openConflict(ctx, record, current.rev, null, { local, remote });
  adoptBase(ctx, current);
}

/** Strips the contested fields' sets, rebases the remaining ops on `current`, renames the rejected one. */
function rebaseOps(
  ctx: ClientContext,
  rejected: OutboxRow,
  ops: readonly OutboxRow[],
  contested: readonly string[],
  current: ServerRecord,
): void {
  for (const op of ops) {
    const patch: PatchOp[] = op.patch.filter((patchOp) => !(patchOp.op === 'set' && contested.includes(patchOp.field)));
    const kind = op.kind === 'create' ? 'update' : op.kind;
    if (kind === 'update' && patch.length === 0) {
      ctx.store.deleteOp(op.seq);
      continue;
    }
    const renew = op.seq === rejected.seq || op.state === 'in-flight';
    // A queued delete keeps the base its user saw (see adoptBase); it meets its own 409.
    if (op.kind === 'delete' && !renew) continue;
    const opId = renew ? ctx.env.uuid() : op.opId;
    ctx.store.updateOp({
      ...op,
      opId,
      kind,
      patch,
      baseRev: current.rev,
      ...(renew ? { attemptCount: 0, state: 'pending' } : {}),
    });
    if (renew) log(ctx, 'rebase', { outboxItemId: op.opId, newOutboxItemId: opId, baseRev: current.rev });
  }
}

/** Sends the rejected op again under a new op id (its old key is spent on the rejection). */
function renewOp(ctx: ClientContext, row: OutboxRow, baseRev: number): void {
  const opId = ctx.env.uuid();
  ctx.store.updateOp({ ...row, opId, baseRev, attemptCount: 0, state: 'pending' });
  log(ctx, 'rebase', { outboxItemId: row.opId, newOutboxItemId: opId, baseRev });
}

/** The reference 409 handler: a three-way merge per field. */
export function mergeOnConflict(ctx: ClientContext, row: OutboxRow, body: ConflictBody): void {
  const current = body.current;
  const record = ctx.store.record(row.collection, row.recordId);
  const ops = ctx.store.opsFor(row.collection, row.recordId);
  if (record === undefined) {
    // Nothing local to merge (the row outlived its record): take the server's state.
    for (const op of ops) ctx.store.deleteOp(op.seq);
    adoptBase(ctx, current);
  } else if (current.deleted && row.kind === 'delete') {
    acknowledge(ctx, row, current);
    return;
  } else if (current.deleted && row.kind === 'create' && row.baseRev !== null && row.baseRev === current.rev) {
    // A restore bounced although the tombstone it was made on is still the latest (a spurious
    // 409): nothing new to review, so it is resent, as a delete is in that case.
    renewOp(ctx, row, current.rev);
  } else if (current.deleted || (row.kind === 'delete' && deleteIsStale(record, row, current))) {
    recordConflict(ctx, record, row, ops, current);
  } else {
    const contested = contestedFields(ctx, record, ops, current);
    for (const field of contested) {
      openConflict(ctx, record, current.rev, field, {
        local: record.fields[field] ?? null,
        remote: current.fields[field] ?? null,
      });
    }
    rebaseOps(ctx, row, ops, contested, current);
    adoptBase(ctx, current);
  }
  refreshRecord(ctx, row.collection, row.recordId);
}
