/**
 * @module realnet/chaos/admin-client
 * A small client of Toxiproxy's admin API (which the embedded proxy speaks too) over fetch:
 * JSON bodies in and out, each call bounded in time. Toxiproxy's errors (`{error, status}`,
 * sent as text/plain) and an unreachable API become a ProxyAdminError that carries the status
 * (0: no answer) and Toxiproxy's own message. It is an infrastructure failure, not a bug in
 * syncstorm: a command stopped by it exits 2 with that message.
 */
import { UsageError } from '../../kernel/errors.ts';

/** Bound on one admin call: Toxiproxy can hold a toxic change while a link drains. */
export const ADMIN_CALL_TIMEOUT_MS = 15_000;

export class ProxyAdminError extends UsageError {
  override name = 'ProxyAdminError';

  constructor(
    message: string,
    /** The HTTP status Toxiproxy answered, 0 when it did not answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One call as the client sent it (tests record them). */
export interface AdminCall {
  method: AdminMethod;
  path: string;
  body?: unknown;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/** Toxiproxy's `{error}` from a body, else the body itself (trimmed, one line). */
function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || '(empty body)';
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly options: { token?: string; onCall?: (call: AdminCall) => void } = {},
  ) {}

  async request<T>(method: AdminMethod, path: string, body?: unknown): Promise<T | undefined> {
    this.options.onCall?.({ method, path, ...(body === undefined ? {} : { body }) });
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, `${this.baseUrl}/`), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ProxyAdminError(
        `proxy admin API at ${this.baseUrl} did not answer ${method} ${path}: ${reason(error)}`,
        0,
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new ProxyAdminError(
        `proxy admin API at ${this.baseUrl}: ${method} ${path} answered ${response.status}: ${errorText(text)}`,
        response.status,
      );
    }
    return text.trim() === '' ? undefined : (JSON.parse(text) as T);
  }
}
