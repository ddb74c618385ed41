/**
 * @module sim/device
 * The host of one device: builds the `ClientEnv` of each incarnation (fetch through the
 * simulated network, a skewed clock whose timers die with the incarnation, seeded random
 * and uuid, tracked SQLite storage, log into the trace, crash points, the OS surroundings),
 * starts the client, kills it and restarts it from the same files. Errors of the client
 * under test (a throwing start, a throwing or hanging app call) are recorded as
 * `device.error` and kept in `errors`; they never crash the simulator.
 * A device runs one instance of the app; a client with `capabilities.instances` may get
 * further ones beside it (`openInstance`): each is a host of its own, named `<device>#<n>`
 * in the trace, on the device's network link, storage and locks. Killing the device's first
 * instance kills the whole device, further instances included (sim/instances.ts).
 */
import { join } from 'node:path';
import type {
  ClientEnv,
  ClientFactory,
  ClientLogEvent,
  Surroundings,
  SurroundingsEvent,
  SyncClient,
} from '../client/contract.ts';
import { DeviceKilled } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import { DeviceClock } from '../kernel/clock.ts';
import { createDeviceContext, type DeviceContext, runInDevice } from '../kernel/device-context.ts';
import { uuidV4 } from '../kernel/ids.ts';
import { Incarnation } from '../kernel/incarnation.ts';
import { LeakLog } from '../kernel/leaks.ts';
import type { OutsideWaits } from '../kernel/outside-waits.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import { installVirtualGlobals } from '../kernel/virtual-globals.ts';
import type { Network } from '../net/index.ts';
import { inDevice } from './in-device.ts';
import { DeviceLocks } from './instance-locks.ts';
import { DeviceStorage, type StorageMode, type StorageVault } from './storage.ts';
import { drive, within } from './watchdog.ts';

/** Arms every crash point: the device dies at the next one its client reaches. */
export const ANY_POINT = '*';

/** The kill point of the end of a run: no incarnation follows, so nothing is saved for one. */
export const END_OF_RUN = 'end-of-run';

/** Default bound on one app call, in virtual ms. */
export const CALL_TIMEOUT_MS_DEFAULT = 10 * 60_000;

export interface DeviceHostOptions {
  deviceId: string;
  scheduler: Scheduler;
  /** This device's stream (forked per device by the caller); each incarnation forks its own. */
  rng: Rng;
  trace: Trace;
  network: Network;
  factory: ClientFactory;
  /** The device keeps its files under `<storageDir>/<deviceId>/` (wiped on first start). */
  storageDir: string;
  /** 'memory' (default): in-memory SQLite saved across kills; 'file': SQLite files under storageDir. */
  storage?: StorageMode;
  skewMs?: number;
  /** Default: the network's base URL. */
  baseUrl?: string;
  /** Virtual globals inside the device (docs/virtual-time.md); default true. False: real, and counted as leaks. */
  virtualGlobals?: boolean;
  /** Where the tripwire counts real time and randomness the device used (default: a log of its own). */
  leaks?: LeakLog;
  /** Real work the run loop waits for (default: not tracked). */
  outside?: OutsideWaits;
  /** For a further instance of a device's app: the device's first instance and this one's number (2, 3 ...). */
  instanceOf?: { primary: DeviceHost; number: number };
  /** Called once when a further instance dies (killed, closed, or with its device). */
  onDeath?: () => void;
}

/** An app call's outcome, as a value. `killed`: the device died during the call (not the client's fault). */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: string; hung: boolean; killed: boolean };

export interface CallOptions {
  timeoutMs?: number;
  /** Step the scheduler until the call settles (outside a run loop); default: race a timer (inside one). */
  drive?: boolean;
  /** With `drive`: bound on events. */
  eventsMax?: number;
}

export interface HostError {
  incarnation: number;
  message: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const CLIENT_METHODS = ['create', 'update', 'delete', 'list', 'sync', 'pendingCount', 'conflicts', 'resolve'] as const;

export class DeviceHost {
  readonly deviceId: string;
  readonly errors: HostError[] = [];
  /** Real time and randomness this device's code used (the tripwire). */
  readonly leaks: LeakLog;
  private readonly options: DeviceHostOptions;
  private life: Incarnation | undefined;
  private storage: DeviceStorage | undefined;
  /** In memory mode, the committed content of each database between incarnations. */
  private readonly vault: StorageVault = new Map();
  private clock: DeviceClock | undefined;
  /** The current incarnation's context: its code runs inside it (kernel/device-context). */
  private context: DeviceContext | undefined;
  private current: SyncClient | undefined;
  private armed: string | undefined;
  private skewMs: number;
  private onlineFlag = true;
  private foregroundFlag = true;
  private listeners: { event: SurroundingsEvent; listener: () => void }[] = [];
  /** Aborted when the current incarnation dies (`env.signal`). */
  private killSignal: AbortController | undefined;
  /** Locks shared by the device's instances (the first instance's, for a further one). */
  private readonly locks: DeviceLocks;
  /** Further instances of the app running beside this (first) one. */
  private readonly extras = new Set<DeviceHost>();
  /** Called with the type of every event the live client logs (sim/view-sampler listens for 'sync-end'). */
  onClientLog: ((type: string) => void) | undefined;

  constructor(options: DeviceHostOptions) {
    assert(options.deviceId.length > 0, 'DeviceHost: deviceId must not be empty');
    this.options = options;
    this.deviceId = options.deviceId;
    this.skewMs = options.skewMs ?? 0;
    this.leaks = options.leaks ?? new LeakLog();
    const primary = options.instanceOf?.primary;
    this.locks = primary === undefined ? new DeviceLocks() : primary.locks;
    if (primary !== undefined) {
      this.onlineFlag = primary.onlineFlag;
      this.foregroundFlag = primary.foregroundFlag;
      this.skewMs = primary.skewMs;
    }
    installVirtualGlobals();
  }

  /** The device this host runs an instance of (its own id for the first instance). */
  get device(): string {
    return this.options.instanceOf?.primary.deviceId ?? this.deviceId;
  }

  /** 1 for the device's first instance, 2, 3 ... for further ones. */
  get instanceNumber(): number {
    return this.options.instanceOf?.number ?? 1;
  }

  /** Further instances alive beside this one. */
  get instances(): DeviceHost[] {
    return [...this.extras].filter((extra) => extra.alive);
  }

  /**
   * A host for instance `number` of this device's app, on this device's link, storage and
   * locks; not started yet. `opening` tells repeated openings of one number apart (their
   * streams of randomness and ids differ).
   */
  openInstance(number: number, opening: number, onDeath: () => void): DeviceHost {
    assert(this.options.instanceOf === undefined, 'DeviceHost.openInstance: only a first instance opens others');
    assert(Number.isInteger(number) && number >= 2, `DeviceHost.openInstance: instance ${number} must be 2 or more`);
    assert(this.alive, `DeviceHost.openInstance: device ${this.deviceId} is down`);
    const extra = new DeviceHost({
      ...this.options,
      deviceId: `${this.deviceId}#${number}`,
      rng: this.options.rng.fork(`instance-${number}-${opening}`),
      skewMs: this.skewMs,
      instanceOf: { primary: this, number },
      onDeath: () => {
        this.extras.delete(extra);
        onDeath();
      },
    });
    this.extras.add(extra);
    return extra;
  }

  /** The running client, or undefined before start, after a kill or after a failed start. */
  get client(): SyncClient | undefined {
    return this.life?.alive ? this.current : undefined;
  }

  get alive(): boolean {
    return this.life?.alive ?? false;
  }

  /** Number of the current (or last) incarnation; -1 before start. */
  get incarnation(): number {
    return this.life?.number ?? -1;
  }

  get online(): boolean {
    return this.onlineFlag;
  }

  get foreground(): boolean {
    return this.foregroundFlag;
  }

  get directory(): string {
    return join(this.options.storageDir, this.device);
  }

  /** Open SQLite handles of the current incarnation. */
  get openHandles(): number {
    return this.storage?.openHandles ?? 0;
  }

  /** First start, on empty storage. Rejects (after recording device.error) if the client's start throws. */
  async start(): Promise<void> {
    assert(this.life === undefined, `DeviceHost.start: device ${this.deviceId} already started`);
    const first = this.options.instanceOf === undefined;
    if (first && (this.options.storage ?? 'memory') === 'file') DeviceStorage.wipe(this.directory);
    // The incarnation carries the device's id: the network routes it over the device's link.
    this.life = new Incarnation(this.device, 0);
    await this.boot('device.start');
  }

  /** Starts the next incarnation from the same files. */
  async restart(): Promise<void> {
    assert(this.life !== undefined && !this.life.alive, `DeviceHost.restart: device ${this.deviceId} is not down`);
    this.life = this.life.next();
    await this.boot('device.restart');
  }

  /** Kills the current incarnation: handles closed (open transactions roll back), timers and responses dropped. */
  kill(point = 'random'): void {
    const life = this.life;
    if (life === undefined || !life.alive) return;
    // The device's first instance is the app: when it dies, every instance beside it dies too.
    for (const extra of [...this.extras]) extra.kill(point);
    this.shutDown(life, point !== END_OF_RUN);
    this.options.trace.record('device.kill', { device: this.deviceId, incarnation: life.number, point });
    this.options.onDeath?.();
  }

  /** The device dies at the next crash point named `point` ('*': any) its client reaches; undefined disarms. */
  armCrashPoint(point: string | undefined): void {
    this.armed = point;
  }

  /** What the OS reports, and what the network does: offline refuses connections. */
  setOnline(online: boolean): void {
    this.options.network.setOnline(this.device, online);
    for (const extra of this.extras) extra.setOnline(online);
    if (online === this.onlineFlag) return;
    this.onlineFlag = online;
    this.emit(online ? 'online' : 'offline');
  }

  setForeground(foreground: boolean): void {
    for (const extra of this.extras) extra.setForeground(foreground);
    if (foreground === this.foregroundFlag) return;
    this.foregroundFlag = foreground;
    this.emit(foreground ? 'foreground' : 'background');
  }

  /** A wrong device clock from now on (this and later incarnations). */
  setSkew(skewMs: number): void {
    assert(Number.isFinite(skewMs), `DeviceHost.setSkew: ${skewMs} is not finite`);
    this.skewMs = skewMs;
    if (this.clock !== undefined) this.clock.skewMs = skewMs;
    for (const extra of this.extras) extra.setSkew(skewMs);
  }

  /**
   * Runs an app call with a bound, returning its outcome as a value. A throw or a hang of a
   * live client is recorded as device.error; a call cut short by a kill is not.
   */
  async call<T>(
    label: string,
    fn: (client: SyncClient) => Promise<T>,
    options: CallOptions = {},
  ): Promise<CallOutcome<T>> {
    const life = this.life;
    const client = this.client;
    if (life === undefined || client === undefined)
      return { ok: false, error: `${label}: device is down`, hung: false, killed: true };
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(fn(client));
    } catch (error) {
      promise = Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS_DEFAULT;
    const outcome = options.drive
      ? await drive(this.options.scheduler, promise, { timeoutMs, eventsMax: options.eventsMax ?? 1_000_000, label })
      : await within(this.options.scheduler, promise, timeoutMs, label);
    if (outcome.ok) return outcome;
    const killed = !life.alive;
    if (!killed) this.report(life, `${label}: ${outcome.error}`);
    return { ...outcome, killed };
  }

  private async boot(eventType: 'device.start' | 'device.restart'): Promise<void> {
    const life = this.life as Incarnation;
    const share = this.options.instanceOf?.primary.storage;
    const vault = this.options.instanceOf?.primary.vault ?? this.vault;
    this.storage = new DeviceStorage(this.directory, life, this.options.storage ?? 'memory', vault, share);
    const context = this.newContext(life);
    let client: SyncClient;
    try {
      const env = this.env(life);
      client = inDevice(await runInDevice(context, () => this.options.factory.start(env)), context);
      const missing = CLIENT_METHODS.filter(
        (method) => typeof (client as unknown as Record<string, unknown>)?.[method] !== 'function',
      );
      if (missing.length > 0) throw new TypeError(`start(env) returned no SyncClient (missing ${missing.join(', ')})`);
    } catch (error) {
      if (!life.alive) return; // killed at a crash point during start: a kill, not an error
      this.shutDown(life);
      this.options.onDeath?.();
      const message = `start of ${this.deviceId} (incarnation ${life.number}) failed: ${describe(error)}`;
      this.report(life, message);
      throw new Error(`[syncstorm] ${message}`, { cause: error });
    }
    if (!life.alive) return;
    this.current = client;
    // A further instance says whose storage it runs on (check/instances reads it).
    const of = this.options.instanceOf === undefined ? {} : { of: this.device, instance: this.instanceNumber };
    this.options.trace.record(eventType, { device: this.deviceId, incarnation: life.number, ...of });
  }

  /** The incarnation's clock (its timers run as the device's code) and context. */
  private newContext(life: Incarnation): DeviceContext {
    const run = (callback: () => void) => runInDevice(context, callback);
    this.clock = new DeviceClock({ scheduler: this.options.scheduler, owner: life, skewMs: this.skewMs, run });
    const context = createDeviceContext({
      deviceId: this.device,
      incarnation: life,
      clock: this.clock,
      // A stream of its own: the draws of env.random and env.uuid stay as they were.
      random: this.options.rng.fork(`incarnation-${life.number}`).fork('globals'),
      virtualize: this.options.virtualGlobals ?? true,
      leaks: this.leaks,
      ...(this.options.outside ? { outside: this.options.outside } : {}),
    });
    this.context = context;
    return context;
  }

  private shutDown(life: Incarnation, restartable = true): void {
    life.kill();
    const signal = this.killSignal;
    this.killSignal = undefined;
    this.current = undefined;
    this.listeners = [];
    this.storage?.closeAll(restartable);
    // Only now: an abort handler must find the handles closed, or it could write after the kill.
    signal?.abort();
  }

  private report(life: Incarnation, message: string): void {
    this.errors.push({ incarnation: life.number, message });
    this.options.trace.record('device.error', { device: this.deviceId, message });
  }

  private emit(event: SurroundingsEvent): void {
    const life = this.life;
    if (life === undefined || !life.alive) return;
    const context = this.context as DeviceContext;
    for (const entry of this.listeners.filter((candidate) => candidate.event === event)) {
      try {
        runInDevice(context, entry.listener);
      } catch (error) {
        if (life.alive) this.report(life, `'${event}' listener threw: ${describe(error)}`);
      }
    }
  }

  private env(life: Incarnation): ClientEnv {
    const { options } = this;
    const rng = options.rng.fork(`incarnation-${life.number}`);
    const uuidRng = rng.fork('uuid');
    const randomRng = rng.fork('random');
    this.killSignal = new AbortController();
    const instance = this.options.instanceOf === undefined ? {} : { instance: this.instanceNumber };
    return {
      deviceId: this.device,
      ...instance,
      locks: this.locks.for(life),
      incarnation: life.number,
      baseUrl: options.baseUrl ?? options.network.baseUrl,
      fetch: options.network.fetchFor(life),
      clock: this.clock as DeviceClock,
      random: () => randomRng.next(),
      uuid: () => uuidV4(uuidRng),
      storage: this.storage as DeviceStorage,
      log: (event) => this.log(life, event),
      reportError: (error) => {
        if (life.alive) this.report(life, `client error: ${describe(error)}`);
      },
      crashPoint: (name) => this.crashPoint(life, name),
      surroundings: this.surroundings(life),
      signal: this.killSignal.signal,
    };
  }

  private log(life: Incarnation, event: ClientLogEvent): void {
    assert(typeof event?.type === 'string' && event.type.length > 0, 'env.log: event.type must be a non-empty string');
    if (!life.alive) return;
    const { type, seq: _seq, t: _t, device: _device, ...data } = event;
    this.options.trace.record(`client.${type}`, { device: this.deviceId, ...data });
    this.onClientLog?.(type);
  }

  private crashPoint(life: Incarnation, name: string): void {
    if (!life.alive) throw new DeviceKilled(this.device, name);
    const armed = this.armed;
    if (armed === undefined || (armed !== ANY_POINT && armed !== name)) return;
    this.armed = undefined;
    this.kill(name);
    throw new DeviceKilled(this.device, name);
  }

  private surroundings(life: Incarnation): Surroundings {
    const host = this;
    return {
      get online() {
        return host.onlineFlag;
      },
      get foreground() {
        return host.foregroundFlag;
      },
      on(event: SurroundingsEvent, listener: () => void): () => void {
        assert(life.alive, `surroundings.on('${event}') called by a killed incarnation`);
        const entry = { event, listener };
        host.listeners.push(entry);
        return () => {
          host.listeners = host.listeners.filter((candidate) => candidate !== entry);
        };
      },
    };
  }
}
