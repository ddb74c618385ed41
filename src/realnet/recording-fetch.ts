/**
 * @module realnet/recording-fetch
 * A device's fetch in a real-network run: the global fetch, with the device named in the
 * `X-Syncstorm-Device` header, every exchange recorded in the trace with the net.* vocabulary
 * the checkers read (net.send, then net.receive once the whole body arrived, or net.fail /
 * net.abort), and a shared bound on requests. The body is read before net.receive is
 * recorded, so a response cut off halfway counts as a failure, as the client sees it.
 */
import type { Trace } from '../kernel/trace.ts';
import { DEVICE_HEADER, IDEMPOTENCY_HEADER } from '../server/protocol.ts';

/** Requests a run may make in all; past it every fetch fails with code `EREQUESTBOUND`. */
export class RequestBudget {
  private used = 0;
  exhaustedAt: number | undefined;

  constructor(readonly max: number) {}

  take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  get count(): number {
    return this.used;
  }
}

export interface RecordingFetchOptions {
  deviceId: string;
  trace: Trace;
  budget: RequestBudget;
  /** Stop recording (the device was shut down; late answers are not part of the history). */
  alive: () => boolean;
  /** The fetch underneath (default: the global fetch). */
  fetch?: typeof fetch;
  /** Aborts every request still in flight when it fires (the device shuts down). */
  shutdown?: AbortSignal;
}

function failureCode(error: unknown): string {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : undefined;
}

function budgetError(): TypeError {
  return new TypeError('fetch failed', {
    cause: { code: 'EREQUESTBOUND', message: 'request bound of the run reached' },
  });
}

export function recordingFetch(options: RecordingFetchOptions): typeof fetch {
  const { deviceId, trace, budget } = options;
  const inner = options.fetch ?? globalThis.fetch;
  let requestNext = 1;
  const record = (type: string, data: Record<string, unknown>) => {
    if (options.alive()) trace.record(type, { device: deviceId, ...data });
  };
  return async (input, init) => {
    const signals = [init?.signal, options.shutdown].filter((signal): signal is AbortSignal => signal != null);
    const request = new Request(input, { ...init, signal: AbortSignal.any(signals) });
    request.headers.set(DEVICE_HEADER, deviceId);
    const requestId = `${deviceId}-${requestNext++}`;
    const url = new URL(request.url);
    const key = request.headers.get(IDEMPOTENCY_HEADER);
    record('net.send', { requestId, method: request.method, path: url.pathname + url.search, ...(key ? { key } : {}) });
    try {
      if (!budget.take()) throw budgetError();
      const response = await inner(request);
      const body = await response.arrayBuffer();
      const wait = retryAfterMs(response);
      record('net.receive', {
        requestId,
        status: response.status,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
      const { status, statusText, headers } = response;
      return new Response(status === 204 || status === 304 ? null : body, { status, statusText, headers });
    } catch (error) {
      if (request.signal.aborted) record('net.abort', { requestId });
      else record('net.fail', { requestId, code: failureCode(error) });
      throw error;
    }
  };
}
