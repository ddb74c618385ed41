/**
 * @module server/reference-server
 * The reference sync server (docs/protocol.md): msw request handlers over an in-memory store,
 * driven by virtual time. The simulated network calls `handle(request, {deviceId})`; the same
 * handlers serve real HTTP through http-host.ts. Everything it applies, replays, rejects and
 * hands out goes into the trace (history.ts), which is what the checkers judge.
 */

import type { RequestHandler } from 'msw';
import { assert } from '../kernel/assert.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import type { PlainRequest, PlainResponse } from '../net/plain.ts';
import { resolveServerConfig, type ServerConfig } from './config.ts';
import { createContext, type ServerContext } from './context.ts';
import { Dispatcher, type DispatchMode } from './dispatch.ts';
import type { ServerFaultRule } from './fault-rules.ts';
import type { PatchOp, ServerRecord } from './protocol.ts';
import { toWire } from './store.ts';
import { patchOpSchema } from './validation.ts';

export interface ReferenceServerOptions {
  scheduler: Scheduler;
  /** The server's stream; it forks 'tokens', 'faults' and 'pages' from it. */
  rng: Rng;
  trace: Trace;
  config?: Partial<ServerConfig>;
  /** How a request reaches its handler (dispatch.ts); default 'direct'. */
  dispatch?: DispatchMode;
}

export class ReferenceServer {
  readonly config: ServerConfig;
  /** The msw handlers: the server's definition. Usable with getResponse or setupServer. */
  readonly handlers: RequestHandler[];
  private readonly context: ServerContext;
  private readonly dispatcher: Dispatcher;

  constructor(options: ReferenceServerOptions) {
    this.config = resolveServerConfig(options.config);
    this.context = createContext({ ...options, config: this.config });
    this.dispatcher = new Dispatcher(this.context, options.dispatch ?? 'direct');
    this.handlers = this.dispatcher.handlers;
  }

  /** Answers one request from `context.deviceId`. Never rejects for bad input (that is a 4xx). */
  handle(request: Request, context: { deviceId: string }): Promise<Response> {
    assert(context.deviceId.length > 0, 'ReferenceServer.handle: deviceId must not be empty');
    return this.dispatcher.dispatch(request, context.deviceId);
  }

  /** The same answer for a request of the network's light path (net/plain), as data. */
  handlePlain(request: PlainRequest, context: { deviceId: string }): Promise<PlainResponse> {
    assert(context.deviceId.length > 0, 'ReferenceServer.handlePlain: deviceId must not be empty');
    return this.dispatcher.dispatchPlain(request, context.deviceId);
  }

  addRule(rule: ServerFaultRule): void {
    this.context.faults.add(rule);
  }

  clearRules(): void {
    this.context.faults.clear();
  }

  /** Turns every fault rule off (true) or on again, e.g. for the heal phase. */
  setFaultsEnabled(enabled: boolean): void {
    this.context.faults.enabled = enabled;
  }

  /** Final state, tombstones included, sorted by (collection, id); copies. */
  records(): ServerRecord[] {
    return this.context.store.all().map(toWire);
  }

  /**
   * A server-side write (a backend job): applies `patch` to a live record as an update
   * (server.apply with device 'server', opId 'auto-<n>'). Undefined if the record does not
   * exist or is deleted. A patch that does not fit the record is a programmer error.
   */
  automationWrite(collection: string, id: string, patch: PatchOp[]): ServerRecord | undefined {
    assert(this.context.collections.has(collection), `automationWrite: unknown collection '${collection}'`);
    for (const op of patch)
      assert(patchOpSchema.safeParse(op).success, `automationWrite: bad patch op ${JSON.stringify(op)}`);
    const record = this.context.automation.write(collection, id, patch);
    return record === undefined ? undefined : toWire(record);
  }

  /** Requests held by long-poll right now (for tests and leak reports). */
  get longPollsHeld(): number {
    return this.context.longPoll.holding;
  }
}
