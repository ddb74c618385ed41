/**
 * @module server/mutants/handle
 * What a server mutant is: a wrapper around the reference server's `handle` with one classic
 * bug, the invariant the simulator must catch it by, and the conform promise it breaks.
 * Plus the small request/response helpers the wrappers share (read an op, send a rewritten
 * one, rewrite a JSON answer).
 */
import type { ServerEnv, ServerHandle } from '../hooks.ts';
import { IDEMPOTENCY_HEADER, ROUTES, type SyncOp } from '../protocol.ts';

export type { ServerEnv, ServerHandle } from '../hooks.ts';

/** The promises `syncstorm conform` checks, by name. */
export type ConformPromiseName =
  | 'one-apply-per-key'
  | '422-on-key-reuse'
  | '409-on-stale-base-rev'
  | 'complete-paging'
  | 'tombstones-in-deltas'
  | 'clients-converge';

export interface ServerMutant {
  /** kebab-case; `--server mutant:<name>`, `syncstorm serve --mutant <name>`. */
  readonly name: string;
  readonly description: string;
  /**
   * The invariant the simulator catches it by, with the reference client (test/sim/
   * server-mutants.test.ts); undefined when no correct client can be hurt by the bug.
   */
  readonly invariant: string | undefined;
  /** Why `invariant` is undefined. */
  readonly unobservable?: string;
  /** The promise the bug breaks over HTTP (conform must name it); undefined when conform has none. */
  readonly breaks: ConformPromiseName | undefined;
  /** Wraps a fresh server's handle (each run, each server generation gets its own wrapper state). */
  wrap(next: ServerHandle, env: ServerEnv): ServerHandle;
}

export interface OpRequest {
  op: SyncOp;
  key: string | null;
}

/** The op of a `POST /sync/ops`, or undefined for any other request or an unreadable body. */
export async function readOp(request: Request): Promise<OpRequest | undefined> {
  if (request.method !== 'POST' || new URL(request.url).pathname !== ROUTES.op) return undefined;
  try {
    const op = (await request.clone().json()) as SyncOp;
    if (typeof op !== 'object' || op === null || typeof op.opId !== 'string') return undefined;
    return { op, key: request.headers.get(IDEMPOTENCY_HEADER) };
  } catch {
    return undefined;
  }
}

/** A copy of `request` carrying `op` as its body and `key` as its Idempotency-Key. */
export function withOp(request: Request, op: SyncOp, key: string): Request {
  const headers = new Headers(request.headers);
  headers.set(IDEMPOTENCY_HEADER, key);
  headers.delete('content-length');
  return new Request(request.url, { method: request.method, headers, body: JSON.stringify(op) });
}

/** The fields of an op that idempotency compares (as the reference server does). */
export function opFingerprint(op: SyncOp): string {
  return JSON.stringify([op.opId, op.collection, op.id, op.kind, op.baseRev, op.patch]);
}

/** `response` with its JSON body rewritten by `edit` (non-JSON answers pass unchanged). */
export async function editJson(
  response: Response,
  edit: (body: Record<string, unknown>) => unknown,
): Promise<Response> {
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return response;
  }
  if (typeof body !== 'object' || body === null) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  const edited = edit(body as Record<string, unknown>);
  return new Response(JSON.stringify(edited), { status: response.status, headers });
}

/** The answer to a rewritten op, with the client's own op id put back (the bug stays quiet). */
export function restoreOpId(response: Response, opId: string): Promise<Response> {
  return editJson(response, (body) => ('opId' in body ? { ...body, opId } : body));
}
