/**
 * @module server/handlers/refresh
 * `POST /auth/refresh`: `{deviceId}` → 200 `{token, expiresAt}`. Needs no token itself.
 */
import { readJsonBody } from '../body.ts';
import type { RouteSpec } from '../pipeline.ts';
import { type RefreshRequest, ROUTES, type TokenResponse } from '../protocol.ts';
import { badRequestReply } from '../responses.ts';
import { parseRefresh } from '../validation.ts';

export const refreshRoute: RouteSpec<RefreshRequest> = {
  route: 'refresh',
  method: 'POST',
  path: ROUTES.refresh,
  auth: false,
  async parse(context, request) {
    const json = await readJsonBody(request, context.config.bodyLimitBytes);
    if (!json.ok) return json;
    const body = parseRefresh(json.value);
    return body.ok ? body : { ok: false, reply: badRequestReply(body.error) };
  },
  kinds: () => [],
  run(context, _device, body) {
    const token: TokenResponse = context.tokens.issue(body.deviceId);
    return { status: 200, body: token };
  },
};
