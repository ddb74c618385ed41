/**
 * @module server/responses
 * Building answers: every body is JSON (`content-type: application/json`). A `Reply` is what
 * a route computes (status, body, extra headers) before it becomes a Response, so that the
 * pipeline can record rejections in one place and batches can embed per-op replies.
 */
import { PlainHeaders, type PlainResponse, withBodyBytes } from '../net/plain.ts';
import type { ErrorBody, ErrorCode } from './protocol.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The op concerned, for `server.reject` (ops route only). */
  opId?: string;
  /**
   * `body` as JSON, when the route built the text itself (pages, from each record's cached
   * wire JSON: wire-json.ts); sent as is instead of stringifying `body`.
   */
  text?: string;
  /** The UTF-8 byte length of `text`, when the route counted it (pages: without flattening it). */
  textBytes?: number;
}

/** A reply whose body is `text`, already JSON; `body` parses it back for whoever reads it. */
export function textReply(status: number, text: string, textBytes?: number): Reply {
  return {
    status,
    text,
    ...(textBytes === undefined ? {} : { textBytes }),
    get body(): unknown {
      return JSON.parse(text);
    },
  };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function toResponse(reply: Reply): Response {
  const headers = reply.headers === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...reply.headers };
  return new Response(reply.text ?? JSON.stringify(reply.body), { status: reply.status, headers });
}

/** The same answer as data, for the network's light path (net/plain): the same status, headers and body text. */
export function toPlainResponse(reply: Reply): PlainResponse {
  const headers = new PlainHeaders(JSON_HEADERS);
  if (reply.headers !== undefined)
    for (const name of Object.keys(reply.headers)) headers.set(name, reply.headers[name] as string);
  const response = { status: reply.status, headers, body: reply.text ?? JSON.stringify(reply.body) };
  return reply.text === undefined || reply.textBytes === undefined
    ? response
    : withBodyBytes(response, reply.textBytes);
}

export function errorReply(status: number, error: ErrorCode, reason: string, path?: string): Reply {
  const body: ErrorBody = path === undefined ? { error, reason } : { error, reason, path };
  return { status, body };
}

export function badRequestReply(body: ErrorBody, opId?: string): Reply {
  return opId === undefined ? { status: 400, body } : { status: 400, body, opId };
}

/** The machine-readable reason of a non-2xx reply, for `server.reject`. */
export function replyReason(reply: Reply): string {
  const body = reply.body as { reason?: unknown } | null;
  return typeof body?.reason === 'string' ? body.reason : String(reply.status);
}
