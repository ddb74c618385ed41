/**
 * @module server/dispatch
 * Finds the route of a request by method + path in a Map, then runs it one of three ways:
 * - `direct` (default): the route's pipeline, which is exactly the resolver of its msw
 *   handler, called without msw's wrapper;
 * - `one-handler`: msw's `getResponse([handler], request)` for the one matching handler;
 * - `all-handlers`: plain `getResponse(handlers, request)`, as msw is usually used.
 * Measured by bench/server.ts (Node 20, CPU µs per exchange, best of 3 rounds, on a shared
 * 2-core machine under load): the bare Request/Response floor 55 µs; an op 139 µs direct,
 * 362 µs through one msw handler, 341 µs through all five (ops is the first handler); a
 * changes page 66 µs, 238 µs, 256 µs. The direct numbers include the server's own work (zod
 * validation, indexes, the trace event and its hash); the rest is msw's per-handler work
 * (request clone with a body tee, URL matching, cookies), which changes nothing the server
 * computes. So the simulation runs `direct` while the msw handlers stay the server's
 * definition: both are built from the same RouteSpecs, and test/server/dispatch.test.ts proves
 * all three modes give the same answers and the byte-identical trace.
 * An unknown path is 404 `no-route`; a known path with another method is 405.
 */
import { getResponse, type HttpHandler } from 'msw';
import { type PlainRequest, type PlainResponse, plainOfResponse } from '../net/plain.ts';
import type { ServerContext } from './context.ts';
import { pipelineReply, runPipeline } from './pipeline.ts';
import { DEVICE_HEADER } from './protocol.ts';
import { errorReply, type Reply, toPlainResponse, toResponse } from './responses.ts';
import { createRoutes, type RouteEntry } from './routes.ts';

export type DispatchMode = 'one-handler' | 'all-handlers' | 'direct';

export class Dispatcher {
  private readonly byMethodPath = new Map<string, RouteEntry>();
  private readonly paths = new Map<string, string[]>();
  private readonly devices = new WeakMap<Request, string>();
  readonly handlers: HttpHandler[];

  constructor(
    private readonly context: ServerContext,
    private readonly mode: DispatchMode,
  ) {
    const routes = createRoutes(context, (request) => this.deviceOf(request));
    this.handlers = routes.map((route) => route.handler);
    for (const route of routes) {
      this.byMethodPath.set(`${route.spec.method} ${route.spec.path}`, route);
      this.paths.set(route.spec.path, [...(this.paths.get(route.spec.path) ?? []), route.spec.method]);
    }
  }

  /** The device a request came from, for resolvers run by msw. */
  deviceOf = (request: Request): string => this.devices.get(request) ?? request.headers.get(DEVICE_HEADER) ?? 'unknown';

  async dispatch(request: Request, device: string): Promise<Response> {
    const path = new URL(request.url).pathname;
    const route = this.byMethodPath.get(`${request.method} ${path}`);
    if (route === undefined) return this.unrouted(path, device);
    if (this.mode === 'direct') return runPipeline(this.context, route.spec, request, device);
    this.devices.set(request, device);
    const handlers = this.mode === 'one-handler' ? [route.handler] : this.handlers;
    const response = await getResponse(handlers, request);
    // The route table and the handlers come from the same specs: a miss here is a bug.
    if (response === undefined) throw new Error(`[syncstorm] msw did not match ${request.method} ${path}`);
    return response;
  }

  /**
   * A request of the network's light path: the same route and pipeline in `direct` mode, no
   * fetch objects; through msw (the other modes) as a `Request`, its answer read back.
   */
  async dispatchPlain(request: PlainRequest, device: string): Promise<PlainResponse> {
    if (this.mode !== 'direct') return plainOfResponse(await this.dispatch(request.toRequest(), device));
    const path = new URL(request.url).pathname;
    const route = this.byMethodPath.get(`${request.method} ${path}`);
    const reply =
      route === undefined
        ? this.unroutedReply(path, device)
        : await pipelineReply(this.context, route.spec, request, device);
    return toPlainResponse(reply);
  }

  private unrouted(path: string, device: string): Response {
    return toResponse(this.unroutedReply(path, device));
  }

  private unroutedReply(path: string, device: string): Reply {
    const methods = this.paths.get(path);
    const reply =
      methods === undefined
        ? errorReply(404, 'not-found', 'no-route')
        : { ...errorReply(405, 'method-not-allowed', 'method-not-allowed'), headers: { allow: methods.join(', ') } };
    this.context.history.reject(device, undefined, reply.status, (reply.body as { reason: string }).reason);
    return reply;
  }
}
