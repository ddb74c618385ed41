/**
 * @module client/reference/outbox
 * The outbox's life cycle: a local write enters it (folded into the last unsent row of its
 * record when coalescing allows), an attempt is recorded durably before the request
 * leaves, and a row leaves only when the server's answer is committed locally: applied
 * (new base, row removed, one transaction) or rejected for good (error state).
 */
import type { ErrorBody, OpKind, PatchOp, ServerRecord, SyncOp } from '../../server/protocol.ts';
import { adoptFresh } from './adopt-fresh.ts';
import { type ClientContext, log } from './context.ts';
import { adoptBase, refreshRecord } from './records.ts';
import type { OutboxRow } from './schema.ts';

export interface LocalWrite {
  collection: string;
  recordId: string;
  kind: OpKind;
  patch: PatchOp[];
}

/** Adds a write to the outbox (or folds it into the last unsent row of its record). */
export function enqueue(ctx: ClientContext, write: LocalWrite): { opId: string | undefined; coalesced: boolean } {
  const { store } = ctx;
  const ops = store.opsFor(write.collection, write.recordId);
  const last = ops[ops.length - 1];
  if (last !== undefined && last.state === 'pending') {
    const result = ctx.hooks.coalesce(last, write, ctx.options.coalescing);
    if (result.action === 'replace') {
      store.updateOp({ ...last, kind: result.kind, patch: result.patch });
      return { opId: last.opId, coalesced: true };
    }
    if (result.action === 'cancel') {
      store.deleteOp(last.seq);
      const record = store.record(write.collection, write.recordId);
      if (record !== undefined && record.rev === null && ops.length === 1)
        store.deleteRecord(write.collection, write.recordId);
      return { opId: undefined, coalesced: true };
    }
  }
  const record = store.record(write.collection, write.recordId);
  const opId = ctx.env.uuid();
  store.insertOp({
    opId,
    collection: write.collection,
    recordId: write.recordId,
    kind: write.kind,
    patch: write.patch,
    baseRev: record?.rev ?? null,
    createdAt: ctx.env.clock.now(),
    attemptCount: 0,
    state: 'pending',
  });
  return { opId, coalesced: false };
}

/** The op as the protocol carries it. */
export function syncOpOf(row: OutboxRow): SyncOp {
  return {
    opId: row.opId,
    collection: row.collection,
    id: row.recordId,
    kind: row.kind,
    baseRev: row.baseRev,
    patch: row.patch,
  };
}

/** The reference `beforeSend`: the attempt is on disk before the request leaves. */
export function recordAttempt(ctx: ClientContext, row: OutboxRow): void {
  ctx.store.updateOp({ ...row, attemptCount: row.attemptCount + 1, state: 'in-flight' });
}

/** The oldest rows to send next, at most one per record (a second op needs the first's new rev). */
export function nextOps(ctx: ClientContext, limit: number): OutboxRow[] {
  const out: OutboxRow[] = [];
  const records = new Set<string>();
  for (const row of ctx.store.headOps(limit)) {
    const key = `${row.collection}\u0000${row.recordId}`;
    if (records.has(key)) break;
    records.add(key);
    out.push(row);
  }
  return out;
}

/** The reference `afterApplied`: nothing more to do once an op is through. */
export function afterAppliedNothing(): void {}

/** The server applied `row` (or had already): remove it and adopt the record, in one transaction. */
export function acknowledge(ctx: ClientContext, row: OutboxRow, record: ServerRecord | null): void {
  ctx.store.deleteOp(row.seq);
  const local = ctx.store.record(row.collection, row.recordId);
  if (local !== undefined && local.error !== null) ctx.store.putRecord({ ...local, error: null });
  // The record's last op, nothing contested: what adoptBase then refreshRecord do, in one
  // write (adopt-fresh.ts); a replaced afterApplied keeps the general path.
  const fresh =
    record !== null &&
    local?.error === null &&
    ctx.hooks.afterApplied === afterAppliedNothing &&
    ctx.store.opsFor(row.collection, row.recordId).length === 0 &&
    adoptFresh(ctx, local, record);
  if (fresh) return;
  if (record !== null) adoptBase(ctx, record, { ownWrite: true });
  ctx.hooks.afterApplied(ctx, row, record);
  refreshRecord(ctx, row.collection, row.recordId);
}

/** The server will never accept `row`: drop it and put its record in the error state. */
export function reject(ctx: ClientContext, row: OutboxRow, status: number, body: ErrorBody | undefined): void {
  ctx.store.deleteOp(row.seq);
  const local = ctx.store.record(row.collection, row.recordId);
  const reason = `${status} ${body?.error ?? 'error'}${body?.reason ? `: ${body.reason}` : ''}`;
  if (local !== undefined) ctx.store.putRecord({ ...local, error: reason });
  log(ctx, 'op-rejected', { outboxItemId: row.opId, collection: row.collection, id: row.recordId, status, reason });
  refreshRecord(ctx, row.collection, row.recordId);
}
