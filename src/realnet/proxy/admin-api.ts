/**
 * @module realnet/proxy/admin-api
 * The embedded chaos proxy's admin API: the subset of Toxiproxy's HTTP API that syncstorm
 * (and toxiproxy-node-client) uses, with Toxiproxy's routes, status codes and error bodies
 * `{error, status}`:
 *   GET /version · POST /reset (204) · GET /proxies · POST /proxies (201; 409 exists) ·
 *   POST /populate (201) · GET|PATCH|POST|DELETE /proxies/{name} ·
 *   GET|POST /proxies/{name}/toxics · GET|PATCH|POST|DELETE /proxies/{name}/toxics/{toxic}
 * `/version` answers `{"version": "2.12.0"}` like Toxiproxy, plus a `syncstorm` field naming
 * this proxy. `/metrics` (Toxiproxy's with -proxy-metrics) answers 501 naming it; anything
 * else unknown (there is no /events in Toxiproxy) 404. A listen address that is malformed
 * or cannot be bound is a 500 with Go's words, as in Toxiproxy.
 * Unlike Toxiproxy, it answers only this machine's own tools (stranger-guard.ts: 403 for a
 * foreign Host or Origin, 415 for a non-JSON body, 401 without the token when one is set),
 * and a malformed percent-encoding in a name is a 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { guardRequestOfIncoming, type StrangerGuard } from '../stranger-guard.ts';
import { API_ERRORS, ApiError } from './api-error.ts';
import { type ProxyRegistry, parseProxyInput } from './registry.ts';

/** The Toxiproxy version whose admin API and toxics this proxy follows (its `/version`). */
export const EMBEDDED_PROXY_VERSION = '2.12.0';
/** `/version`'s extra field: this is syncstorm's embedded proxy, not Toxiproxy. */
export const EMBEDDED_PROXY_IDENTITY = 'syncstorm embedded proxy (Toxiproxy 2.12.0 API)';
/** Largest admin request body read. */
const ADMIN_BODY_BYTES_MAX = 1 << 20;

type Reply = { status: number; body?: unknown };

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > ADMIN_BODY_BYTES_MAX) throw API_ERRORS.badBody('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw API_ERRORS.badBody(error instanceof Error ? error.message : 'invalid JSON');
  }
}

function methodNotAllowed(): ApiError {
  return new ApiError('method not allowed', 405);
}

async function proxiesRoute(registry: ProxyRegistry, method: string, body: () => Promise<unknown>): Promise<Reply> {
  if (method === 'GET')
    return { status: 200, body: Object.fromEntries(registry.list().map((p) => [p.name, p.toJson()])) };
  if (method !== 'POST') throw methodNotAllowed();
  const proxy = await registry.create(parseProxyInput(await body()));
  return { status: 201, body: proxy.toJson() };
}

async function populateRoute(registry: ProxyRegistry, body: unknown): Promise<Reply> {
  const list = Array.isArray(body) ? body : (body as { proxies?: unknown } | undefined)?.proxies;
  if (!Array.isArray(list)) throw API_ERRORS.badBody('expected a list of proxies');
  const proxies = await registry.populate(list.map(parseProxyInput));
  return { status: 201, body: { proxies: proxies.map((proxy) => proxy.toJson()) } };
}

async function proxyRoute(
  registry: ProxyRegistry,
  name: string,
  method: string,
  body: () => Promise<unknown>,
): Promise<Reply> {
  const proxy = registry.get(name);
  if (method === 'GET') return { status: 200, body: proxy.toJson() };
  if (method === 'DELETE') {
    await registry.remove(name);
    return { status: 204 };
  }
  if (method !== 'PATCH' && method !== 'POST') throw methodNotAllowed();
  const changes = ((await body()) ?? {}) as Record<string, unknown>;
  if (changes.enabled !== undefined && typeof changes.enabled !== 'boolean')
    throw API_ERRORS.badBody('enabled must be a boolean');
  for (const field of ['listen', 'upstream'] as const) {
    if (changes[field] !== undefined && typeof changes[field] !== 'string')
      throw API_ERRORS.badBody(`${field} must be a string`);
  }
  if (typeof changes.listen === 'string') registry.checkListen(changes.listen);
  await proxy.update(changes as { listen?: string; upstream?: string; enabled?: boolean });
  return { status: 200, body: proxy.toJson() };
}

async function toxicsRoute(
  registry: ProxyRegistry,
  name: string,
  toxic: string | undefined,
  method: string,
  body: () => Promise<unknown>,
): Promise<Reply> {
  const chain = registry.get(name).toxics;
  if (toxic === undefined) {
    if (method === 'GET') return { status: 200, body: chain.all().map((entry) => entry.json) };
    if (method !== 'POST') throw methodNotAllowed();
    return { status: 200, body: chain.add(await body()) };
  }
  if (method === 'GET') return { status: 200, body: chain.get(toxic).json };
  if (method === 'DELETE') {
    chain.remove(toxic);
    return { status: 204 };
  }
  if (method !== 'PATCH' && method !== 'POST') throw methodNotAllowed();
  return { status: 200, body: chain.update(toxic, await body()) };
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw API_ERRORS.badBody(`malformed percent-encoding in the path: '${part}'`);
  }
}

/** Routes one admin request; throws ApiError for an answer other than success. */
export async function route(registry: ProxyRegistry, req: IncomingMessage): Promise<Reply> {
  const method = req.method ?? 'GET';
  const parts = new URL(req.url ?? '/', 'http://admin').pathname.split('/').filter(Boolean).map(decodePart);
  const body = () => readBody(req);
  const [head, name, sub, toxic, ...rest] = parts;
  if (head === 'version' && parts.length === 1) {
    if (method !== 'GET') throw methodNotAllowed();
    return { status: 200, body: { version: EMBEDDED_PROXY_VERSION, syncstorm: EMBEDDED_PROXY_IDENTITY } };
  }
  if (head === 'reset' && parts.length === 1) {
    if (method !== 'POST') throw methodNotAllowed();
    await registry.reset();
    return { status: 204 };
  }
  if (head === 'populate' && parts.length === 1) {
    if (method !== 'POST') throw methodNotAllowed();
    return populateRoute(registry, await body());
  }
  if (head === 'metrics') throw API_ERRORS.notImplemented(`/${head}`);
  if (head === 'proxies' && name === undefined) return proxiesRoute(registry, method, body);
  if (head === 'proxies' && name !== undefined && sub === undefined) return proxyRoute(registry, name, method, body);
  if (head === 'proxies' && name !== undefined && sub === 'toxics' && rest.length === 0) {
    return toxicsRoute(registry, name, toxic, method, body);
  }
  throw new ApiError(`no route ${method} /${parts.join('/')}`, 404);
}

export async function handleAdmin(
  registry: ProxyRegistry,
  guard: StrangerGuard,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let reply: Reply;
  try {
    const refusal = guard.check(guardRequestOfIncoming(req));
    if (refusal !== undefined) throw new ApiError(`${refusal.reason}: ${refusal.detail}`, refusal.status);
    reply = await route(registry, req);
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError(String(error), 500);
    reply = { status: apiError.status, body: apiError.toJson() };
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  if (reply.status >= 400) {
    // Toxiproxy answers errors through Go's http.Error: the JSON as text/plain, a newline after it.
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };
    res.writeHead(reply.status, headers).end(`${JSON.stringify(reply.body)}\n`);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
}
