/**
 * @module realnet/control-api
 * The control API of `syncstorm serve`, under `/_syncstorm/` (JSON in, JSON out):
 * - `GET  /_syncstorm/health`: seed, mutant, generation, speed, events recorded;
 * - `GET  /_syncstorm/history?since=<seq>&limit=<n>`: trace events (the history the
 *   checkers read), `{events, next, hasMore}`;
 * - `GET  /_syncstorm/records`: the server's records, tombstones included;
 * - `GET  /_syncstorm/rules`, `POST /_syncstorm/rules` (a ServerFaultRule or a list of them,
 *   201), `DELETE /_syncstorm/rules` (all, 204);
 * - `POST /_syncstorm/faults` `{"enabled": false}`: suspend or resume every rule;
 * - `POST /_syncstorm/reset`: a fresh server (no records, no rules, empty history).
 * Control requests are not protocol traffic and are not recorded in the history. Strangers
 * (a foreign Host or Origin, a non-JSON post, a missing token) are refused first: see
 * stranger-guard.ts.
 */
import { z } from 'zod';
import { serverFaultRuleSchema } from '../server/index.ts';
import type { ServedServer } from './served-server.ts';
import { guardRequestOf } from './stranger-guard.ts';

const HISTORY_PAGE_MAX = 10_000;
const JSON_HEADERS = { 'content-type': 'application/json' };

function reply(status: number, body?: unknown): Response {
  if (body === undefined) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function problem(status: number, reason: string, detail?: string): Response {
  return reply(status, { error: status === 404 ? 'not-found' : 'bad-request', reason, ...(detail ? { detail } : {}) });
}

async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await request.json() };
  } catch {
    return { ok: false };
  }
}

function history(served: ServedServer, url: URL): Response {
  const since = Number(url.searchParams.get('since') ?? '0');
  const limit = Number(url.searchParams.get('limit') ?? String(HISTORY_PAGE_MAX));
  if (!Number.isSafeInteger(since) || since < 0) return problem(400, 'bad-since', 'since is a trace seq >= 0');
  if (!Number.isSafeInteger(limit) || limit < 1) return problem(400, 'bad-limit', 'limit is an integer >= 1');
  const events = served.trace.events();
  const page = events.slice(since, since + Math.min(limit, HISTORY_PAGE_MAX));
  const next = since + page.length;
  return reply(200, { events: page, next, hasMore: next < events.length });
}

async function addRules(served: ServedServer, request: Request): Promise<Response> {
  const body = await readJson(request);
  if (!body.ok) return problem(400, 'invalid-json');
  const parsed = z.array(serverFaultRuleSchema).safeParse(Array.isArray(body.value) ? body.value : [body.value]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problem(400, 'invalid-rule', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  for (const rule of parsed.data) served.addRule(rule);
  return reply(201, { rules: served.rules });
}

async function setFaults(served: ServedServer, request: Request): Promise<Response> {
  const body = await readJson(request);
  const enabled = body.ok ? (body.value as { enabled?: unknown } | null)?.enabled : undefined;
  if (typeof enabled !== 'boolean') return problem(400, 'invalid-body', 'expected {"enabled": true|false}');
  served.setFaultsEnabled(enabled);
  return reply(200, { enabled });
}

async function reset(served: ServedServer): Promise<Response> {
  if (!served.resettable) return reply(409, { error: 'conflict', reason: 'shared-trace' });
  return reply(200, { generation: await served.reset() });
}

type Route = (served: ServedServer, request: Request, url: URL) => Response | Promise<Response>;

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  health: {
    GET: (served) =>
      reply(200, {
        status: 'ok',
        seed: served.seed,
        mutant: served.mutant ?? null,
        generation: served.generation,
        speed: served.speed,
        events: served.trace.length,
      }),
  },
  history: { GET: (served, _request, url) => history(served, url) },
  records: { GET: (served) => reply(200, { records: served.records() }) },
  rules: {
    GET: (served) => reply(200, { rules: served.rules, enabled: served.faultsEnabled }),
    POST: (served, request) => addRules(served, request),
    DELETE: (served) => {
      served.clearRules();
      return reply(204);
    },
  },
  faults: { POST: (served, request) => setFaults(served, request) },
  reset: { POST: (served) => reset(served) },
};

export async function handleControl(served: ServedServer, request: Request): Promise<Response> {
  const refusal = served.controlGuard?.check(guardRequestOf(request));
  if (refusal !== undefined) {
    const headers = refusal.status === 401 ? { ...JSON_HEADERS, 'www-authenticate': 'Bearer' } : JSON_HEADERS;
    const body = { error: 'refused', reason: refusal.reason, detail: refusal.detail };
    return new Response(JSON.stringify(body), { status: refusal.status, headers });
  }
  const url = new URL(request.url);
  const name = url.pathname.slice('/_syncstorm/'.length).replace(/\/$/, '');
  const methods = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
  if (methods === undefined) return problem(404, 'no-route', `known: ${Object.keys(ROUTES).join(', ')}`);
  const route = methods[request.method];
  if (route === undefined) {
    const allow = Object.keys(methods).join(', ');
    return new Response(JSON.stringify({ error: 'method-not-allowed', reason: 'method-not-allowed' }), {
      status: 405,
      headers: { ...JSON_HEADERS, allow },
    });
  }
  return route(served, request, url);
}
