/**
 * @module server/pipeline
 * The stages every request goes through, whatever its route:
 *   1. auth (not on `/auth/refresh`): 401 missing-token | invalid-token | token-expired;
 *   2. parse: body or query, fully validated; 400 with reason and path;
 *   3. delay faults (`slow`): the answer is held in virtual time, then handling goes on;
 *   4. gateway faults: token-expired (the token is expired for good), 412, 429, 500, 503;
 *   5. the route's own work.
 * Rejections from stages 1-4 are recorded here; a route records its own.
 */
import type { ServerContext } from './context.ts';
import type { ServerFault, ServerRoute } from './fault-rules.ts';
import type { OpKind } from './protocol.ts';
import { errorReply, type Reply, replyReason, toResponse } from './responses.ts';

/**
 * What the server reads of a request: a `Request`, or a request of the network's light path
 * (net/plain's PlainRequest), which has the same members.
 */
export interface ServerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly signal: AbortSignal | undefined;
  text(): Promise<string>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

export interface RouteSpec<T> {
  route: ServerRoute;
  method: 'GET' | 'POST';
  path: string;
  auth: boolean;
  parse(context: ServerContext, request: ServerRequest): Promise<Parsed<T>>;
  /** Kinds of the ops the request carries (for fault rules matching `kind`). */
  kinds(input: T): readonly OpKind[];
  run(context: ServerContext, device: string, input: T, request: ServerRequest): Promise<Reply> | Reply;
}

function sleep(context: ServerContext, ms: number): Promise<void> {
  return new Promise((resolve) => context.scheduler.after(ms, 'server:slow', resolve));
}

function gatewayReply(fault: ServerFault): Reply | undefined {
  switch (fault.type) {
    case 'token-expired':
      return errorReply(401, 'unauthorized', 'token-expired');
    case '412':
      return errorReply(412, 'precondition-failed', 'injected');
    case '429':
      return { ...errorReply(429, 'rate-limited', 'injected'), headers: { 'retry-after': String(fault.retryAfterS) } };
    case '500':
      return errorReply(500, 'server-error', 'injected');
    case '503': {
      const reply = errorReply(503, 'unavailable', 'injected');
      if (fault.retryAfterS !== undefined) reply.headers = { 'retry-after': String(fault.retryAfterS) };
      return reply;
    }
    default:
      return undefined;
  }
}

/** Stages 1-4; undefined means the route may run. */
async function admit<T>(
  context: ServerContext,
  spec: RouteSpec<T>,
  request: ServerRequest,
  device: string,
): Promise<Parsed<T>> {
  let token: string | undefined;
  if (spec.auth) {
    const verdict = context.tokens.verify(request.headers.get('authorization'));
    if (!verdict.ok) return { ok: false, reply: errorReply(401, 'unauthorized', verdict.reason) };
    token = verdict.token;
  }
  const parsed = await spec.parse(context, request);
  if (!parsed.ok) return parsed;
  const subject = {
    device,
    route: spec.route,
    kinds: spec.kinds(parsed.value),
    query: new URL(request.url).searchParams,
  };
  const slow = context.faults.decide('delay', subject);
  if (slow?.fault.type === 'slow') await sleep(context, slow.fault.ms);
  const gateway = context.faults.decide('gateway', subject, (fault) => fault.type !== 'token-expired' || !!token);
  if (gateway === undefined) return parsed;
  if (gateway.fault.type === 'token-expired') context.tokens.expire(token as string);
  return { ok: false, reply: gatewayReply(gateway.fault) as Reply };
}

/** Runs one request through the stages and the route. */
export async function runPipeline<T>(
  context: ServerContext,
  spec: RouteSpec<T>,
  request: ServerRequest,
  device: string,
): Promise<Response> {
  return toResponse(await pipelineReply(context, spec, request, device));
}

/** The reply of the stages and the route, before it becomes a Response (or plain data, net/plain). */
export async function pipelineReply<T>(
  context: ServerContext,
  spec: RouteSpec<T>,
  request: ServerRequest,
  device: string,
): Promise<Reply> {
  const admitted = await admit(context, spec, request, device);
  if (!admitted.ok) {
    const { reply } = admitted;
    context.history.reject(device, reply.opId, reply.status, replyReason(reply));
    return reply;
  }
  return spec.run(context, device, admitted.value, request);
}
