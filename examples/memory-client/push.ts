/**
 * @module examples/memory-client/push
 * The push half of a sync run: the outbox in order, one `POST /sync/ops` per op, each
 * answer committed before the next op is looked at. An op's request body is frozen the
 * first time it is sent, so every retry of an op whose outcome is unknown (a timeout, a
 * lost answer, a kill) carries the same Idempotency-Key and the same body, and the server
 * applies it at most once. A 409 means nothing was applied: the op is rebased on the
 * server's current record and gets a new key; an edit that meets a deletion becomes a
 * conflict for the user.
 */
import type { ConflictBody, OpApplied, ServerRecord, SyncOp } from 'syncstorm';
import { type Outcome, send } from './http.ts';
import { shownRecord } from './patch.ts';
import type { RunContext, Stop } from './run-context.ts';
import { type Change, opKey, type PendingOp, recordKey } from './store.ts';

/** The body of `op` as it goes on the wire; frozen (and stored) on the first attempt. */
function frozen(ctx: RunContext, op: PendingOp): SyncOp {
  if (op.sent !== undefined) return op.sent;
  const base = ctx.store.bases.get(recordKey(op.collection, op.id));
  // A create carries the tombstone's rev when it restores a deleted record.
  const baseRev = op.kind === 'create' ? (base?.deleted ? base.rev : null) : (base?.rev ?? null);
  const sent: SyncOp = { opId: op.opId, collection: op.collection, id: op.id, kind: op.kind, baseRev, patch: op.patch };
  ctx.store.commit([{ kind: 'op', key: opKey(op.seq), value: { ...op, sent } }]);
  return sent;
}

export function newerBase(ctx: RunContext, record: ServerRecord | null | undefined): Change[] {
  if (record === null || record === undefined) return [];
  const base = ctx.store.bases.get(recordKey(record.collection, record.id));
  if (base !== undefined && base.rev >= record.rev) return [];
  const { collection, id, rev, deleted, fields } = record;
  return [{ kind: 'base', key: recordKey(collection, id), value: { collection, id, rev, deleted, fields } }];
}

/** An edit met a deletion: the record's pending edits become one conflict the user resolves. */
function editMetDeletion(ctx: RunContext, op: PendingOp, current: ServerRecord): Change[] {
  const key = recordKey(op.collection, op.id);
  const ops = ctx.store.opsOf(op.collection, op.id);
  const local = shownRecord(ctx.store.bases.get(key), ops).fields;
  const existing = [...ctx.store.conflicts.values()].find(
    (c) => c.collection === op.collection && c.recordId === op.id,
  );
  const conflict = { id: existing?.id ?? ctx.env.uuid(), collection: op.collection, recordId: op.id, local };
  return [
    ...ops.map((pending): Change => ({ kind: 'op', key: opKey(pending.seq) })),
    ...newerBase(ctx, current),
    { kind: 'conflict', key: conflict.id, value: conflict },
  ];
}

/** What a 409 on `op` changes in the store: this client's merge policy. */
export type ConflictHandler = (ctx: RunContext, op: PendingOp, body: ConflictBody) => Change[];

export function onConflict(ctx: RunContext, op: PendingOp, body: ConflictBody): Change[] {
  const current = body.current;
  const dropOp: Change = { kind: 'op', key: opKey(op.seq) };
  if (body.reason === 'deleted' && op.kind === 'update') return editMetDeletion(ctx, op, current);
  if (body.reason === 'deleted' && op.kind === 'delete') return [dropOp, ...newerBase(ctx, current)];
  if (body.reason === 'exists') return [dropOp, ...newerBase(ctx, current)];
  // Stale base (or an injected 409): replay the same patch on the current record, under a new key.
  const rebased: PendingOp = { ...op, opId: ctx.env.uuid() };
  delete rebased.sent;
  return [...newerBase(ctx, current), { kind: 'op', key: opKey(op.seq), value: rebased }];
}

/** Commits the server's answer to one op. */
function settle(ctx: RunContext, op: PendingOp, outcome: Outcome, handler: ConflictHandler): void {
  const result = outcome.kind === 'conflict' ? `conflict:${outcome.body.reason}` : outcome.kind;
  ctx.env.log({ type: 'push-result', outboxItemId: op.opId, result, collection: op.collection, id: op.id });
  if (outcome.kind === 'ok') {
    const record = (outcome.body as OpApplied).record;
    ctx.store.commit([{ kind: 'op', key: opKey(op.seq) }, ...newerBase(ctx, record)]);
  } else if (outcome.kind === 'conflict') {
    ctx.store.commit(handler(ctx, op, outcome.body));
  } else if (outcome.kind === 'rejected') {
    ctx.store.commit([{ kind: 'op', key: opKey(op.seq) }]);
  }
}

/** Pushes until the outbox is empty, an answer says "later", or the run's request bound is reached. */
export async function push(
  ctx: RunContext,
  handler: ConflictHandler = onConflict,
): Promise<{ pushed: number; stop?: Stop }> {
  let pushed = 0;
  for (;;) {
    const op = ctx.store.ops.values().next().value;
    if (op === undefined) return { pushed };
    if (ctx.requests >= ctx.requestsMax) return { pushed, stop: { reason: 'request bound', waitMs: 0 } };
    const body = frozen(ctx, op);
    ctx.env.crashPoint('before-push');
    ctx.requests++;
    const outcome = await send(ctx.env, ctx.store, { method: 'POST', path: '/sync/ops', body, key: body.opId });
    if (outcome.kind === 'retry') return { pushed, stop: outcome };
    ctx.env.crashPoint('after-push-before-commit');
    settle(ctx, op, outcome, handler);
    if (outcome.kind === 'ok') pushed++;
  }
}
