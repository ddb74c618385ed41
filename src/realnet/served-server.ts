/**
 * @module realnet/served-server
 * The reference server as `syncstorm serve` runs it: in real time (a pump keeps its virtual
 * time on the run's timeline), optionally wrapped by a server mutant, with its fault rules
 * remembered so the control API can list them, and a reset that starts a fresh server (new
 * state, new history) in place. Requests under `/_syncstorm/` go to the control API
 * (control-api.ts); every other request goes to the (possibly mutant) server.
 */
import { assert } from '../kernel/assert.ts';
import { Rng } from '../kernel/rng.ts';
import { Scheduler } from '../kernel/scheduler.ts';
import { Trace } from '../kernel/trace.ts';
import { createServerEnv } from '../server/hooks.ts';
import {
  ReferenceServer,
  resolveServerConfig,
  type ServerConfig,
  type ServerFaultRule,
  type ServerRecord,
} from '../server/index.ts';
import { handleControl } from './control-api.ts';
import { SchedulerPump } from './pump.ts';
import type { ServerHandle, ServerMutant } from './server-mutants/index.ts';
import type { StrangerGuard } from './stranger-guard.ts';
import type { RunTimeline } from './timeline.ts';

export const CONTROL_PREFIX = '/_syncstorm/';

export interface ServedServerOptions {
  seed: string;
  timeline: RunTimeline;
  mutant?: ServerMutant;
  config?: Partial<ServerConfig>;
  /** Record into this trace (a chaos run shares one with its clients); `reset` is then refused. */
  trace?: Trace;
  /** Serve the control API under /_syncstorm/ (default true). */
  control?: boolean;
}

interface Generation {
  number: number;
  scheduler: Scheduler;
  trace: Trace;
  server: ReferenceServer;
  pump: SchedulerPump;
  handle: ServerHandle;
  rules: ServerFaultRule[];
  faultsEnabled: boolean;
}

export class ServedServer {
  readonly config: ServerConfig;
  private current: Generation;
  /** Checks every control request once the server listens (set by startServe); none in-process. */
  controlGuard: StrangerGuard | undefined;

  constructor(private readonly options: ServedServerOptions) {
    this.config = resolveServerConfig(options.config);
    this.current = this.build(0);
  }

  private build(number: number): Generation {
    const { timeline, seed, mutant } = this.options;
    const scheduler = new Scheduler();
    scheduler.advanceTo(timeline.now());
    const trace = this.options.trace ?? new Trace({ now: () => timeline.now() });
    const rng = new Rng(seed).fork(number === 0 ? 'server' : `server-${number}`);
    const server = new ReferenceServer({ scheduler, rng, trace, config: this.config });
    const pump = new SchedulerPump(scheduler, timeline, {
      onError: (error) => trace.record('realnet.error', { message: String(error) }),
    });
    pump.start();
    const base: ServerHandle = (request, deviceId) => server.handle(request, { deviceId });
    const env = createServerEnv({
      name: mutant?.name ?? 'reference',
      scheduler,
      rng: rng.fork('hooks'),
      trace,
      records: () => server.records(),
    });
    const handle = mutant === undefined ? base : mutant.wrap(base, env);
    return { number, scheduler, trace, server, pump, handle, rules: [], faultsEnabled: true };
  }

  get mutant(): string | undefined {
    return this.options.mutant?.name;
  }

  get seed(): string {
    return this.options.seed;
  }

  get speed(): number {
    return this.options.timeline.speed;
  }

  get generation(): number {
    return this.current.number;
  }

  get trace(): Trace {
    return this.current.trace;
  }

  /** The running reference server (under the mutant wrapper, if any). */
  get server(): ReferenceServer {
    return this.current.server;
  }

  get rules(): readonly ServerFaultRule[] {
    return this.current.rules;
  }

  get faultsEnabled(): boolean {
    return this.current.faultsEnabled;
  }

  handle(request: Request, context: { deviceId: string }): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (this.options.control !== false && path.startsWith(CONTROL_PREFIX)) return handleControl(this, request);
    return this.current.handle(request, context.deviceId);
  }

  addRule(rule: ServerFaultRule): void {
    this.current.server.addRule(rule);
    this.current.rules.push(rule);
  }

  clearRules(): void {
    this.current.server.clearRules();
    this.current.rules = [];
  }

  setFaultsEnabled(enabled: boolean): void {
    this.current.server.setFaultsEnabled(enabled);
    this.current.faultsEnabled = enabled;
  }

  records(): ServerRecord[] {
    return this.current.server.records();
  }

  get resettable(): boolean {
    return this.options.trace === undefined;
  }

  /** A fresh server (empty store, no rules, a new history) in place of the running one. */
  async reset(): Promise<number> {
    assert(this.resettable, 'ServedServer.reset: a server recording into a shared trace cannot be reset');
    const old = this.current;
    this.current = this.build(old.number + 1);
    await old.pump.stop();
    return this.current.number;
  }

  async close(): Promise<void> {
    await this.current.pump.stop();
  }
}
