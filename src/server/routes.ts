/**
 * @module server/routes
 * The server's definition: one RouteSpec per endpoint, each turned into an msw request handler
 * (`http.get`/`http.post` on `http*://:origin<path>`: any origin, exactly that path). The same specs feed the dispatcher's
 * method+path table, so the msw handlers and the fast path cannot drift apart.
 */
import { type HttpHandler, http } from 'msw';
import type { ServerContext } from './context.ts';
import { batchRoute } from './handlers/batch.ts';
import { changesRoute } from './handlers/changes.ts';
import { opsRoute } from './handlers/ops.ts';
import { refreshRoute } from './handlers/refresh.ts';
import { snapshotRoute } from './handlers/snapshot.ts';
import { type RouteSpec, runPipeline } from './pipeline.ts';

export type AnyRouteSpec = RouteSpec<unknown>;

export const ROUTE_SPECS: readonly AnyRouteSpec[] = [
  opsRoute as AnyRouteSpec,
  batchRoute as AnyRouteSpec,
  changesRoute as AnyRouteSpec,
  snapshotRoute as AnyRouteSpec,
  refreshRoute as AnyRouteSpec,
];

export interface RouteEntry {
  spec: AnyRouteSpec;
  handler: HttpHandler;
}

/** Who sent `request` (the dispatcher's context, else the device header, else 'unknown'). */
export type DeviceOf = (request: Request) => string;

export function createRoutes(context: ServerContext, deviceOf: DeviceOf): RouteEntry[] {
  return ROUTE_SPECS.map((spec) => {
    const define = spec.method === 'GET' ? http.get : http.post;
    const handler = define(`http*://:origin${spec.path}`, ({ request }) =>
      runPipeline(context, spec, request, deviceOf(request)),
    );
    return { spec, handler };
  });
}
