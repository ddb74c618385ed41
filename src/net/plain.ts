/**
 * @module net/plain
 * The light exchange path: a request and its answer as plain data (method, URL, headers,
 * body as a string) instead of WHATWG `Request`/`Response` objects. Building those objects,
 * their body streams and reading them back cost a fifth of a seed of the standard campaign
 * (bench/README.md); the in-process reference client and its mutants go through this path,
 * every other client through `env.fetch`. Both paths take the same decisions, the same
 * bytes and the same trace events: only the objects differ.
 * A simulated network registers the light path of each device's `fetch` here
 * (`plainExchangeOf(env.fetch)`), so a client that gets another `fetch` (real network,
 * a wrapper) falls back to it without being told.
 */

/** Header names in lower case, as `Headers` keeps them; only what the exchange needs. */
export class PlainHeaders {
  private readonly entries: Map<string, string>;

  constructor(init?: Record<string, string> | PlainHeaders) {
    this.entries = init instanceof PlainHeaders ? new Map(init.entries) : new Map();
    if (init !== undefined && !(init instanceof PlainHeaders))
      for (const name of Object.keys(init)) this.entries.set(name.toLowerCase(), init[name] as string);
  }

  get(name: string): string | null {
    return this.entries.get(name.toLowerCase()) ?? null;
  }

  set(name: string, value: string): void {
    this.entries.set(name.toLowerCase(), value);
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /** As a record, for a real `Headers` or `Request` built from it. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.entries);
  }
}

/**
 * The part of an `AbortSignal` the light path uses. An `AbortSignal` fits; so does the
 * lighter `PlainAbortController`'s signal (making an AbortSignal costs ~6 µs, one per exchange).
 */
export interface PlainAbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

interface AbortListener {
  listener: () => void;
  removed: boolean;
}

/**
 * An AbortController for the light path only, as the fetch spec's abort works for the parts
 * used there: `abort()` sets `aborted` and a reason (an `AbortError` DOMException, as
 * `AbortController.abort()` gives), then calls the listeners once each in the order they
 * were added; a listener removed meanwhile is not called, one added meanwhile is (as in
 * Node). It is its own signal.
 */
export class PlainAbortController implements PlainAbortSignal {
  aborted = false;
  reason: unknown;
  private listeners: AbortListener[] = [];

  get signal(): PlainAbortSignal {
    return this;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    // Node's EventTarget also calls a listener added while the abort is being dispatched.
    for (let index = 0; index < this.listeners.length; index++) {
      const entry = this.listeners[index] as AbortListener;
      if (entry.removed) continue;
      entry.removed = true;
      entry.listener();
    }
    this.listeners = [];
  }

  /** Only `once` listeners are kept (an abort happens at most once). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.listeners.some((entry) => entry.listener === listener && !entry.removed)) return;
    this.listeners.push({ listener, removed: false });
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const entry = this.listeners.find((candidate) => candidate.listener === listener && !candidate.removed);
    if (entry !== undefined) entry.removed = true;
  }
}

/** What a client hands to the light path. `url` is absolute. */
export interface PlainRequestInit {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: PlainAbortSignal;
}

/**
 * A request as data. It reads like the parts of a `Request` the reference server uses
 * (`method`, `url`, `headers.get`, `text()`, `signal`), so the server takes either.
 */
export class PlainRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: PlainHeaders;
  readonly body: string | null;
  private readonly follower: SignalFollower | undefined;

  constructor(init: PlainRequestInit | PlainRequest) {
    this.method = normalizedMethod(init.method);
    this.url = init.url;
    this.headers = new PlainHeaders(init.headers);
    this.body = init instanceof PlainRequest ? init.body : (init.body ?? null);
    this.follower = init instanceof PlainRequest ? init.follower : followerOf(init.signal);
  }

  /**
   * Follows the client's signal from the moment the request was made, as a `Request`'s own
   * signal does: an abort reaches the server's listeners (a long poll) in the same order.
   */
  get signal(): AbortSignal | undefined {
    return this.follower?.signal();
  }

  text(): Promise<string> {
    return Promise.resolve(this.body ?? '');
  }

  /** A copy for a duplicated delivery (its own headers, the same body). */
  clone(): PlainRequest {
    return new PlainRequest(this);
  }

  /** The same request as a `Request`, for a server that only takes those. */
  toRequest(): Request {
    return new Request(this.url, {
      method: this.method,
      headers: this.headers.toRecord(),
      ...(this.body === null ? {} : { body: this.body }),
      ...(this.signal === undefined ? {} : { signal: this.signal }),
    });
  }
}

/** An answer as data: status, headers, and the body as a string (null: no body). */
export interface PlainResponse {
  status: number;
  headers: PlainHeaders;
  body: string | null;
}

/** The light path of one device: like its `fetch`, for plain requests. */
export type PlainExchange = (init: PlainRequestInit) => Promise<PlainResponse>;

/** `response` as data: reads its body (a server that answered with a `Response`). */
export async function plainOfResponse(response: Response): Promise<PlainResponse> {
  const headers = new PlainHeaders();
  response.headers.forEach((value, name) => {
    headers.set(name, value);
  });
  const body = response.body === null ? null : await response.text();
  return { status: response.status, headers, body };
}

/** Byte length of a plain body, as the wire would carry it (UTF-8). */
export function plainBytes(body: string | null): number {
  return body === null ? 0 : Buffer.byteLength(body);
}

/**
 * Byte lengths of answers' bodies, known without reading them, with the body each was
 * taken of. A page's body is made of each record's cached JSON (server/pages): measuring it
 * made V8 flatten it into one copy, which then stayed alive while the answer was on its way
 * back (at 1,000 devices ≈ 130 MB per run outlived young-generation collections). The
 * client's parse flattens it later, when the copy is dropped at once.
 */
const knownBodyBytes = new WeakMap<PlainResponse, { body: string; bytes: number }>();

/** `response`, whose body (a string) is `bytes` long in UTF-8, as its maker counted them. */
export function withBodyBytes(response: PlainResponse, bytes: number): PlainResponse {
  if (response.body !== null) knownBodyBytes.set(response, { body: response.body, bytes });
  return response;
}

/** Byte length of `response`'s body: as its maker counted it, if the body is still that one; else measured. */
export function plainResponseBodyBytes(response: PlainResponse): number {
  const known = knownBodyBytes.get(response);
  return known !== undefined && known.body === response.body ? known.bytes : plainBytes(response.body);
}

/** Methods a `Request` upper-cases (the fetch spec's normalisation); others keep their case. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

function normalizedMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * Listens to the client's signal at once (so its place among the signal's listeners is the
 * one a `Request` takes) but makes its own AbortSignal only when the server asks for it:
 * most requests are never aborted and most routes never look.
 */
class SignalFollower {
  private controller: AbortController | undefined;

  constructor(private readonly parent: PlainAbortSignal) {
    parent.addEventListener('abort', () => this.controller?.abort(parent.reason), { once: true });
  }

  signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.parent.aborted) this.controller.abort(this.parent.reason);
    }
    return this.controller.signal;
  }
}

function followerOf(parent: PlainAbortSignal | undefined): SignalFollower | undefined {
  return parent === undefined ? undefined : new SignalFollower(parent);
}

const registry = new WeakMap<typeof fetch, PlainExchange>();

/** Makes `plain` the light path of the simulated `fetch`. */
export function registerPlainExchange(fetchOfDevice: typeof fetch, plain: PlainExchange): void {
  registry.set(fetchOfDevice, plain);
}

/** The light path behind `fetchOfDevice`, when it is a simulated network's fetch. */
export function plainExchangeOf(fetchOfDevice: typeof fetch): PlainExchange | undefined {
  return registry.get(fetchOfDevice);
}
