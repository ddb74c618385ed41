/**
 * @module net/exchange
 * One request/response exchange as the network tracks it: who sent it, what was decided
 * for it at send time, and the client's promise, which settles at most once (answer,
 * failure or abort) and never for a killed incarnation.
 */
import type { Incarnation } from '../kernel/incarnation.ts';
import type { EventHandle, Scheduler } from '../kernel/scheduler.ts';
import type { PlainAbortSignal, PlainRequest, PlainResponse } from './plain.ts';
import type { FaultVerdict } from './types.ts';

/** The verdict of an exchange no fault touches. */
export const PASS: FaultVerdict = Object.freeze({ type: 'pass' });

export interface ExchangeInit {
  id: string;
  incarnation: Incarnation;
  request: Request | PlainRequest;
  path: string;
  /** The URL is on the server's origin (else: not found). */
  inOrigin: boolean;
  scheduler: Scheduler;
}

export class Exchange {
  readonly id: string;
  readonly incarnation: Incarnation;
  /** Replaced once when a body that had to be read is rebuilt from its bytes. */
  request: Request | PlainRequest;
  readonly path: string;
  readonly inOrigin: boolean;
  /** A `Response` for a `fetch`, a PlainResponse for the light path (net/plain). */
  readonly promise: Promise<Response | PlainResponse>;
  /** The fault decided at send time (a rule's verdict or a random link fault). */
  verdict: FaultVerdict = PASS;
  /** Delay of the response leg, reorder and response-leg delay verdicts included. */
  responseDelayMs = 0;
  /** The client's promise has settled: the network owes it nothing more. */
  closed = false;
  /** The device went offline with this exchange open: copies not yet delivered are lost. */
  cut = false;
  /** Called once when the client's promise settles. */
  onClose: (() => void) | undefined;
  private readonly scheduler: Scheduler;
  private readonly handles: EventHandle[] = [];
  private resolveClient!: (response: Response | PlainResponse) => void;
  private rejectClient!: (error: unknown) => void;
  private abort: { signal: PlainAbortSignal; listener: () => void } | undefined;

  constructor(init: ExchangeInit) {
    this.id = init.id;
    this.incarnation = init.incarnation;
    this.request = init.request;
    this.path = init.path;
    this.inOrigin = init.inOrigin;
    this.scheduler = init.scheduler;
    this.promise = new Promise<Response | PlainResponse>((resolve, reject) => {
      this.resolveClient = resolve;
      this.rejectClient = reject;
    });
  }

  get device(): string {
    return this.incarnation.deviceId;
  }

  /** True while the live client still waits for this exchange. */
  get waiting(): boolean {
    return !this.closed && this.incarnation.alive;
  }

  /** Cancels `handle` when the exchange closes (a timeout, a pending arrival). */
  watch(handle: EventHandle): void {
    this.handles.push(handle);
  }

  /** Calls `listener` if the client's `signal` fires while the exchange is open. */
  onAbort(signal: PlainAbortSignal, listener: () => void): void {
    this.abort = { signal, listener };
    signal.addEventListener('abort', listener, { once: true });
  }

  resolve(response: Response | PlainResponse): void {
    if (!this.waiting) return;
    this.close();
    this.resolveClient(response);
  }

  reject(error: unknown): void {
    if (!this.waiting) return;
    this.close();
    this.rejectClient(error);
  }

  private close(): void {
    this.closed = true;
    for (const handle of this.handles) this.scheduler.cancel(handle);
    this.handles.length = 0;
    if (this.abort !== undefined) this.abort.signal.removeEventListener('abort', this.abort.listener);
    this.onClose?.();
  }
}
