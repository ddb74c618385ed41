/**
 * @module client/reference/push
 * The push half of a sync run: the outbox in order, one `POST /sync/ops` per op (or one
 * `POST /sync/batch` per batch), each answer committed before the next op is looked at.
 * The attempt is recorded before the request leaves; the same key and body go out on every
 * retry of an op whose outcome is unknown. Stops at the first answer worth waiting for
 * (429, 5xx, network, auth); a 409 is merged and a 400/422 parks the op in error, and the
 * run goes on.
 */
import type { BatchResponse, BatchResult, ConflictBody, ErrorBody, OpApplied } from '../../server/protocol.ts';
import { IDEMPOTENCY_HEADER, ROUTES } from '../../server/protocol.ts';
import type { RetryableFailure } from './backoff.ts';
import { type ClientContext, log } from './context.ts';
import type { WireOp } from './hooks.ts';
import { type HttpOutcome, request } from './http.ts';
import { acknowledge, reject } from './outbox.ts';
import type { OutboxRow } from './schema.ts';

export interface PushResult {
  pushed: number;
  stop?: RetryableFailure;
  /** The run's request bound was reached with ops still waiting. */
  bounded?: boolean;
}

interface Settled {
  applied: number;
  stop?: RetryableFailure;
}

function failureOf(outcome: HttpOutcome): RetryableFailure | undefined {
  switch (outcome.kind) {
    case 'rate-limited':
      return { kind: 'rate-limited', retryAfterMs: outcome.retryAfterMs };
    case 'unavailable':
      return outcome;
    case 'network':
      return { kind: 'network', code: outcome.code };
    case 'unauthorized':
      return { kind: 'unauthorized' };
    default:
      return undefined;
  }
}

/** Commits the server's answer to one op. */
function settle(ctx: ClientContext, row: OutboxRow, outcome: HttpOutcome): Settled {
  const base = { outboxItemId: row.opId, collection: row.collection, id: row.recordId };
  if (outcome.kind === 'ok') {
    ctx.env.crashPoint('after-push-before-commit');
    const record = (outcome.body as OpApplied).record ?? null;
    ctx.store.transaction(() => acknowledge(ctx, row, record));
    log(ctx, 'push-result', { ...base, result: 'applied', status: outcome.status, rev: record?.rev ?? null });
    ctx.env.crashPoint('after-push-commit');
    return { applied: 1 };
  }
  if (outcome.kind === 'conflict') {
    log(ctx, 'push-result', { ...base, result: 'conflict', status: 409, reason: outcome.body.reason });
    ctx.env.crashPoint('after-push-before-commit');
    ctx.store.transaction(() => ctx.hooks.onConflict(ctx, row, outcome.body));
    return { applied: 0 };
  }
  if (outcome.kind === 'rejected') {
    log(ctx, 'push-result', { ...base, result: 'rejected', status: outcome.status });
    ctx.store.transaction(() => reject(ctx, row, outcome.status, outcome.body));
    return { applied: 0 };
  }
  log(ctx, 'push-result', {
    ...base,
    result: outcome.kind,
    ...('status' in outcome ? { status: outcome.status } : {}),
  });
  return { applied: 0, ...(failureOf(outcome) ? { stop: failureOf(outcome) } : {}) };
}

function send(ctx: ClientContext, rows: readonly OutboxRow[]): WireOp[] {
  ctx.store.transaction(() => {
    for (const row of rows) ctx.hooks.beforeSend(ctx, row);
  });
  return rows.map((row) => {
    const wire = ctx.hooks.wireOp(ctx, row);
    log(ctx, 'push', {
      outboxItemId: wire.op.opId,
      collection: row.collection,
      id: wire.op.id,
      kind: row.kind,
      baseRev: row.baseRev,
      attempt: row.attemptCount + 1,
    });
    return wire;
  });
}

async function pushOne(ctx: ClientContext, row: OutboxRow): Promise<Settled> {
  const [wire] = send(ctx, [row]);
  if (wire === undefined) return { applied: 0 };
  ctx.env.crashPoint('before-push');
  const headers: Record<string, string> = wire.key === undefined ? {} : { [IDEMPOTENCY_HEADER]: wire.key };
  const outcome = await request(ctx, { method: 'POST', path: ROUTES.op, body: wire.op, headers });
  return settle(ctx, row, outcome);
}

/** The outcome of one op inside a batch answer. */
function batchOutcome(result: BatchResult): HttpOutcome {
  const { status, body } = result;
  if (status >= 200 && status < 300) return { kind: 'ok', status, body };
  if (status === 409) return { kind: 'conflict', body: body as ConflictBody };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: 1_000 };
  if (status >= 500 || status === 408) return { kind: 'unavailable', status };
  return { kind: 'rejected', status, body: body as ErrorBody };
}

async function pushBatch(ctx: ClientContext, rows: readonly OutboxRow[]): Promise<Settled> {
  const wires = send(ctx, rows);
  ctx.env.crashPoint('before-push');
  const outcome = await request(ctx, {
    method: 'POST',
    path: ROUTES.batch,
    body: { ops: wires.map((wire) => wire.op) },
  });
  if (outcome.kind !== 'ok') {
    // A batch-level answer is the answer to every op in it (a 400 means: send them one by one).
    if (outcome.kind === 'rejected') return pushOne(ctx, rows[0] as OutboxRow);
    const settled = settle(ctx, rows[0] as OutboxRow, outcome);
    return settled;
  }
  const results = (outcome.body as BatchResponse).results ?? [];
  let applied = 0;
  for (const [index, row] of rows.entries()) {
    const result = results.find((candidate) => candidate.opId === wires[index]?.op.opId);
    const settled = settle(
      ctx,
      row,
      result === undefined ? { kind: 'unavailable', status: 502 } : batchOutcome(result),
    );
    applied += settled.applied;
    if (settled.stop !== undefined) return { applied, stop: settled.stop };
  }
  return { applied };
}

/** Pushes the outbox until it is empty, a failure stops the run, or the run's bound is reached. */
export async function push(ctx: ClientContext): Promise<PushResult> {
  const { bounds } = ctx.options;
  let pushed = 0;
  for (;;) {
    const rows = ctx.hooks.nextOps(ctx, ctx.options.batching ? bounds.batchOpsMax : 1);
    if (rows.length === 0) return { pushed };
    if (ctx.state.requests >= bounds.requestsPerRunMax) return { pushed, bounded: true };
    const settled =
      ctx.options.batching && rows.length > 1 ? await pushBatch(ctx, rows) : await pushOne(ctx, rows[0] as OutboxRow);
    pushed += settled.applied;
    if (settled.stop !== undefined) return { pushed, stop: settled.stop };
  }
}
