/**
 * @module server/apply-op
 * One op, from idempotency check to commit, shared by `POST /sync/ops` and `POST /sync/batch`.
 * Everything from the idempotency lookup to the commit is synchronous, so no other request can
 * interleave: the rev checked is the rev replaced. Order:
 *   1. the key is known: same body → the stored answer (server.replay); other body → 422;
 *   2. op faults (fresh ops only): concurrent-write (an automation write lands first),
 *      spurious-409 (answered without applying);
 *   3. the op against the record: 201/200 applied, 200 delete of an unknown id, 404, 409, 400;
 *   4. an applied op is committed (server.apply) and its answer stored under its key; the
 *      `write-after-apply` fault lands a server write on the record before the answer leaves.
 * Every non-2xx answer is recorded as server.reject.
 */
import type { ServerContext } from './context.ts';
import type { ServerFault, ServerRoute } from './fault-rules.ts';
import { applyPatch } from './patch.ts';
import type { ConflictBody, ConflictReason, OpApplied, ServerRecord, SyncOp } from './protocol.ts';
import { REPLAYED_HEADER } from './protocol.ts';
import { badRequestReply, errorReply, type Reply, replyReason } from './responses.ts';
import { type StoredRecord, toWire } from './store.ts';
import { badRequest, fingerprint } from './validation.ts';

/** What the op would do to the record, or why it cannot. */
type Verdict = { apply: ServerRecord; status: 200 | 201 } | { answer: Reply };

function conflict(op: SyncOp, reason: ConflictReason, current: StoredRecord): Reply {
  const body: ConflictBody = { error: 'conflict', reason, opId: op.opId, current: toWire(current) };
  return { status: 409, body };
}

function next(current: StoredRecord | undefined, op: SyncOp, deleted: boolean, stamp: () => number): Verdict {
  const base = current === undefined || current.deleted ? {} : current.fields;
  const patched = applyPatch(base, op.patch);
  if (!patched.ok) return { answer: badRequestReply(patched.error) };
  const record: ServerRecord = {
    collection: op.collection,
    id: op.id,
    rev: (current?.rev ?? 0) + 1,
    updatedAtServer: stamp(),
    deleted,
    fields: deleted ? {} : patched.fields,
  };
  return { apply: record, status: op.kind === 'create' ? 201 : 200 };
}

/** The op judged against the record it targets (no side effect). */
function judge(context: ServerContext, op: SyncOp, concurrentWrite: boolean): Verdict {
  const current = context.store.get(op.collection, op.id);
  const stamp = () => context.clock.stamp();
  if (op.kind === 'create') {
    if (current === undefined) {
      if (op.baseRev !== null) return { answer: badRequestReply(badRequest('base-rev-on-create', 'baseRev')) };
      return next(current, op, false, stamp);
    }
    if (!current.deleted) return { answer: conflict(op, 'exists', current) };
    // A create whose baseRev is the tombstone's rev restores the record: its writer saw the delete.
    return op.baseRev === current.rev ? next(current, op, false, stamp) : { answer: conflict(op, 'deleted', current) };
  }
  if (current === undefined) {
    if (op.kind === 'delete') return { answer: { status: 200, body: { opId: op.opId, record: null } } };
    return { answer: errorReply(404, 'not-found', 'unknown-record', 'id') };
  }
  if (current.deleted) return { answer: conflict(op, 'deleted', current) };
  if (op.baseRev !== null && op.baseRev !== current.rev) {
    return { answer: conflict(op, concurrentWrite ? 'concurrent-write' : 'stale-base-rev', current) };
  }
  return next(current, op, op.kind === 'delete', stamp);
}

function opFaultApplies(context: ServerContext, op: SyncOp, fault: ServerFault): boolean {
  const current = context.store.get(op.collection, op.id);
  if (fault.type === 'concurrent-write') return current !== undefined && !current.deleted;
  if (fault.type === 'spurious-409') return current !== undefined;
  return false;
}

function remember(context: ServerContext, op: SyncOp, print: string, reply: Reply): void {
  context.idempotency.remember(op.opId, {
    fingerprint: print,
    collection: op.collection,
    id: op.id,
    status: reply.status,
    body: reply.body as OpApplied,
    storedAt: context.clock.now(),
  });
}

/** An op whose key is new: op faults, then the op against the record, committed if it applies. */
function processFresh(context: ServerContext, device: string, op: SyncOp, route: ServerRoute): Reply {
  const { history, store } = context;
  const fired = context.faults.decide('op', { device, route, kinds: [op.kind] }, (fault) =>
    opFaultApplies(context, op, fault),
  );
  if (fired?.fault.type === 'spurious-409')
    return conflict(op, 'spurious', store.get(op.collection, op.id) as StoredRecord);
  const concurrentWrite = fired?.fault.type === 'concurrent-write';
  if (concurrentWrite) context.automation.writeMarker(store.get(op.collection, op.id) as StoredRecord);
  const verdict = judge(context, op, concurrentWrite);
  if ('answer' in verdict) return verdict.answer;
  const revBefore = store.get(op.collection, op.id)?.rev ?? 0;
  const record = store.commit(verdict.apply);
  history.apply({ device, opId: op.opId, kind: op.kind, revBefore, record });
  // A server write may land between the commit and the answer: the answer still shows the op's rev.
  const after = context.faults.decide('applied', { device, route, kinds: [op.kind] }, () => !record.deleted);
  if (after?.fault.type === 'write-after-apply') context.automation.writeMarker(record);
  return { status: verdict.status, body: { opId: op.opId, record: toWire(record) } satisfies OpApplied };
}

/** Processes one validated op for `device`; the reply is final (rejections already recorded). */
export function processOp(context: ServerContext, device: string, op: SyncOp, route: ServerRoute): Reply {
  const print = fingerprint(op);
  const stored = context.idempotency.lookup(op.opId);
  if (stored !== undefined && stored.fingerprint === print) {
    context.history.replay(device, op.opId, stored.collection, stored.id);
    return { status: stored.status, body: stored.body, headers: { [REPLAYED_HEADER]: 'true' }, opId: op.opId };
  }
  const reply =
    stored === undefined
      ? processFresh(context, device, op, route)
      : errorReply(422, 'idempotency-key-reused', 'different-body', 'opId');
  reply.opId = op.opId;
  if (stored === undefined && reply.status < 300) remember(context, op, print, reply);
  if (reply.status >= 300) context.history.reject(device, op.opId, reply.status, replyReason(reply), op);
  return reply;
}
