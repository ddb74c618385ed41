/**
 * @module server/handlers/ops
 * `POST /sync/ops`: one op, `Idempotency-Key: <opId>`. 201 created, 200 updated/deleted (or a
 * delete of an unknown id), the stored answer on a replay, 422 key reused with another body,
 * 409 conflict with the current record, 404 update of an unknown id, 400 malformed.
 */
import { processOp } from '../apply-op.ts';
import { readJsonBody } from '../body.ts';
import type { RouteSpec } from '../pipeline.ts';
import { IDEMPOTENCY_HEADER, ROUTES, type SyncOp } from '../protocol.ts';
import { badRequestReply } from '../responses.ts';
import { badRequest, parseSyncOp } from '../validation.ts';

export const opsRoute: RouteSpec<SyncOp> = {
  route: 'op',
  method: 'POST',
  path: ROUTES.op,
  auth: true,
  async parse(context, request) {
    const json = await readJsonBody(request, context.config.bodyLimitBytes);
    if (!json.ok) return json;
    const op = parseSyncOp(json.value, context.collections);
    if (!op.ok) return { ok: false, reply: badRequestReply(op.error) };
    const key = request.headers.get(IDEMPOTENCY_HEADER);
    if (key === null || key === '') {
      return {
        ok: false,
        reply: badRequestReply(badRequest('missing-idempotency-key', IDEMPOTENCY_HEADER), op.value.opId),
      };
    }
    if (key !== op.value.opId) {
      return {
        ok: false,
        reply: badRequestReply(badRequest('idempotency-key-mismatch', IDEMPOTENCY_HEADER), op.value.opId),
      };
    }
    return op;
  },
  kinds: (op) => [op.kind],
  run: (context, device, op) => processOp(context, device, op, 'op'),
};
