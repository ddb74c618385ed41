/**
 * @module server/handlers/batch
 * `POST /sync/batch`: `{ops: [...]}`. Every op is validated before any is applied (one
 * malformed op → 400 for the whole batch, nothing applied); then the ops are processed in
 * order, each exactly as `POST /sync/ops` would, and the answer is 200 with one result per op
 * (`{opId, status, body}`): some may be applied while others conflict.
 */
import { processOp } from '../apply-op.ts';
import { readJsonBody } from '../body.ts';
import type { RouteSpec } from '../pipeline.ts';
import { type BatchRequest, type BatchResponse, type BatchResult, ROUTES } from '../protocol.ts';
import { badRequestReply } from '../responses.ts';
import { parseBatch } from '../validation.ts';

export const batchRoute: RouteSpec<BatchRequest> = {
  route: 'batch',
  method: 'POST',
  path: ROUTES.batch,
  auth: true,
  async parse(context, request) {
    const json = await readJsonBody(request, context.config.bodyLimitBytes);
    if (!json.ok) return json;
    const batch = parseBatch(json.value, context.collections);
    return batch.ok ? batch : { ok: false, reply: badRequestReply(batch.error) };
  },
  kinds: (batch) => [...new Set(batch.ops.map((op) => op.kind))],
  run(context, device, batch) {
    const results: BatchResult[] = batch.ops.map((op) => {
      const reply = processOp(context, device, op, 'batch');
      return { opId: op.opId, status: reply.status, body: reply.body as BatchResult['body'] };
    });
    const body: BatchResponse = { results };
    return { status: 200, body };
  },
};
