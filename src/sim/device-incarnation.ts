/**
 * @module sim/device-incarnation
 * One incarnation of a device host (sim/device), from its boot to its death: the storage it
 * opened (tracked SQLite handles over the device's files, or over the first instance's for a
 * further instance), its context (kernel/device-context) with a skewed clock whose timers die
 * with it, and the `ClientEnv` its client is started with: fetch through the simulated
 * network, that clock, seeded random and uuid, storage, locks, log into the trace, crash
 * points, the surroundings and the kill signal. Each incarnation draws from streams of its
 * own, forked off the host's by `incarnation-<n>`: 'uuid', 'random' and 'globals'.
 */
import type { ClientEnv, ClientFactory, ClientLogEvent, Surroundings, SyncClient } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import { DeviceClock } from '../kernel/clock.ts';
import { createDeviceContext, type DeviceContext, runInDevice } from '../kernel/device-context.ts';
import { uuidV4 } from '../kernel/ids.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import type { LeakLog } from '../kernel/leaks.ts';
import type { OutsideWaits } from '../kernel/outside-waits.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import type { Network } from '../net/index.ts';
import { inDevice } from './in-device.ts';
import type { DeviceLocks } from './instance-locks.ts';
import { DeviceStorage, type StorageMode, type StorageVault } from './storage.ts';

const CLIENT_METHODS = ['create', 'update', 'delete', 'list', 'sync', 'pendingCount', 'conflicts', 'resolve'] as const;

/** What an incarnation takes from its host's options (sim/device's DeviceHostOptions). */
export interface IncarnationOptions {
  scheduler: Scheduler;
  /** The host's stream; the incarnation forks its own. */
  rng: Rng;
  trace: Trace;
  network: Network;
  storage?: StorageMode;
  baseUrl?: string;
  virtualGlobals?: boolean;
  outside?: OutsideWaits;
}

/** Where an incarnation runs: which device and instance, on which files and locks. */
export interface IncarnationPlace {
  /** The device whose link, storage and clock it uses. */
  device: string;
  /** The host's name in the trace (`<device>#<n>` for a further instance). */
  name: string;
  /** For a further instance: its number (`env.instance`). */
  instance: number | undefined;
  directory: string;
  vault: StorageVault;
  /** For a further instance: the storage of the device's first instance, shared. */
  share: DeviceStorage | undefined;
  skewMs: number;
  leaks: LeakLog;
  locks: DeviceLocks;
}

/** What the host answers for: crash points, errors, the surroundings, the client's log events. */
export interface IncarnationServices {
  reportError: (error: unknown) => void;
  crashPoint: (name: string) => void;
  /** Where `crashPoint` would kill now (`env.armedCrashPoint`). */
  armedCrashPoint?: () => string | undefined;
  surroundings: Surroundings;
  /** Called with the type of each event the live client logs. */
  logged: (type: string) => void;
}

export class DeviceIncarnation {
  readonly storage: DeviceStorage;
  readonly clock: DeviceClock;
  /** Its code runs inside this context (kernel/device-context). */
  readonly context: DeviceContext;
  /** Aborted when the incarnation dies (`env.signal`). */
  private killSignal: AbortController | undefined;

  constructor(
    readonly life: Incarnation,
    private readonly options: IncarnationOptions,
    private readonly place: IncarnationPlace,
  ) {
    this.storage = new DeviceStorage(place.directory, life, options.storage ?? 'memory', place.vault, place.share);
    // The clock's timers run as the device's code.
    const run = (callback: () => void) => runInDevice(context, callback);
    this.clock = new DeviceClock({ scheduler: options.scheduler, owner: life, skewMs: place.skewMs, run });
    const context = createDeviceContext({
      deviceId: place.device,
      incarnation: life,
      clock: this.clock,
      // A stream of its own: the draws of env.random and env.uuid stay as they were.
      random: options.rng.fork(`incarnation-${life.number}`).fork('globals'),
      virtualize: options.virtualGlobals ?? true,
      leaks: place.leaks,
      ...(options.outside ? { outside: options.outside } : {}),
    });
    this.context = context;
  }

  /** Calls the client's `start(env)` as the device's code; its value goes to `adopt`. */
  start(factory: ClientFactory, services: IncarnationServices): Promise<SyncClient> {
    const env = this.env(services);
    return runInDevice(this.context, () => factory.start(env));
  }

  /** What `start` returned, each method run as the device's code; throws if it is no SyncClient. */
  adopt(started: SyncClient): SyncClient {
    const client = inDevice(started, this.context);
    const missing = CLIENT_METHODS.filter(
      (method) => typeof (client as unknown as Record<string, unknown>)?.[method] !== 'function',
    );
    if (missing.length > 0) throw new TypeError(`start(env) returned no SyncClient (missing ${missing.join(', ')})`);
    return client;
  }

  /** The env the incarnation's client is started with. */
  private env(services: IncarnationServices): ClientEnv {
    const { options, place, life } = this;
    const rng = options.rng.fork(`incarnation-${life.number}`);
    const uuidRng = rng.fork('uuid');
    const randomRng = rng.fork('random');
    this.killSignal = new AbortController();
    const instance = place.instance === undefined ? {} : { instance: place.instance };
    return {
      deviceId: place.device,
      ...instance,
      locks: place.locks.for(life),
      incarnation: life.number,
      baseUrl: options.baseUrl ?? options.network.baseUrl,
      fetch: options.network.fetchFor(life),
      clock: this.clock,
      random: () => randomRng.next(),
      uuid: () => uuidV4(uuidRng),
      storage: this.storage,
      log: (event) => this.log(event, services.logged),
      reportError: services.reportError,
      crashPoint: services.crashPoint,
      ...(services.armedCrashPoint ? { armedCrashPoint: services.armedCrashPoint } : {}),
      surroundings: services.surroundings,
      signal: this.killSignal.signal,
    };
  }

  /** Kills the incarnation: handles closed (open transactions roll back), then `env.signal` aborted. */
  shutDown(restartable: boolean): void {
    this.life.kill();
    const signal = this.killSignal;
    this.killSignal = undefined;
    this.storage.closeAll(restartable);
    // Only now: an abort handler must find the handles closed, or it could write after the kill.
    signal?.abort();
  }

  private log(event: ClientLogEvent, logged: (type: string) => void): void {
    assert(typeof event?.type === 'string' && event.type.length > 0, 'env.log: event.type must be a non-empty string');
    if (!this.life.alive) return;
    const { type, seq: _seq, t: _t, device: _device, ...data } = event;
    this.options.trace.record(`client.${type}`, { device: this.place.name, ...data });
    logged(type);
  }
}
