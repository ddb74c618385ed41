/**
 * @module server/body
 * Reads a request body as JSON within the size limit: 400 `body-too-large` (by
 * Content-Length, or by the bytes actually read), `unreadable-body`, `invalid-json`.
 */
import type { Parsed, ServerRequest } from './pipeline.ts';
import { badRequestReply } from './responses.ts';
import { badRequest } from './validation.ts';

function tooLarge<T>(): Parsed<T> {
  return { ok: false, reply: badRequestReply(badRequest('body-too-large')) };
}

export async function readJsonBody(request: ServerRequest, limitBytes: number): Promise<Parsed<unknown>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) return tooLarge();
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, reply: badRequestReply(badRequest('unreadable-body')) };
  }
  // Bytes, not characters: a UTF-8 body can be up to 3 bytes per UTF-16 unit.
  if (text.length > limitBytes || Buffer.byteLength(text, 'utf8') > limitBytes) return tooLarge();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reply: badRequestReply(badRequest('invalid-json')) };
  }
}
