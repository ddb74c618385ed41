/**
 * @module sim/device
 * The host of one device: starts its client in an incarnation (sim/device-incarnation: the
 * `ClientEnv`, storage, clock and context of one life), kills it (at once, or at an armed
 * crash point) and restarts it from the same files; sets what the OS reports
 * (sim/device-surroundings) and the device's clock skew; runs bounded app calls
 * (sim/device-call). Errors of the client under test (a throwing start, a throwing or
 * hanging app call) are recorded as `device.error` and kept in `errors`; they never crash
 * the simulator.
 * A device runs one instance of the app; a client with `capabilities.instances` may get
 * further ones beside it (`openInstance`): each is a host of its own, named `<device>#<n>`
 * in the trace, on the device's network link, storage and locks. Killing the device's first
 * instance kills the whole device, further instances included (sim/instances.ts).
 */
import { join } from 'node:path';
import type { ClientFactory, SurroundingsEvent, SyncClient } from '../client/contract.ts';
import { DeviceKilled } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import { Incarnation } from '../kernel/incarnation.ts';
import { LeakLog } from '../kernel/leaks.ts';
import type { OutsideWaits } from '../kernel/outside-waits.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import { installVirtualGlobals } from '../kernel/virtual-globals.ts';
import type { Network } from '../net/index.ts';
import { type CallOptions, type CallOutcome, callClient } from './device-call.ts';
import { DeviceIncarnation } from './device-incarnation.ts';
import { DeviceSurroundings } from './device-surroundings.ts';
import { DeviceLocks } from './instance-locks.ts';
import { DeviceStorage, type StorageMode, type StorageVault } from './storage.ts';

/** Arms every crash point: the device dies at the next one its client reaches. */
export const ANY_POINT = '*';

/** The kill point of the end of a run: no incarnation follows, so nothing is saved for one. */
export const END_OF_RUN = 'end-of-run';

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

export interface HostError {
  incarnation: number;
  message: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class DeviceHost {
  readonly deviceId: string;
  readonly errors: HostError[] = [];
  /** Real time and randomness this device's code used (the tripwire). */
  readonly leaks: LeakLog;
  private readonly options: DeviceHostOptions;
  private life: Incarnation | undefined;
  /** The current (or last) incarnation's storage, clock and context. */
  private now: DeviceIncarnation | undefined;
  /** In memory mode, the committed content of each database between incarnations. */
  private readonly vault: StorageVault = new Map();
  private current: SyncClient | undefined;
  private armed: string | undefined;
  private skewMs: number;
  private readonly surroundings = new DeviceSurroundings();
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
      this.surroundings.online = primary.surroundings.online;
      this.surroundings.foreground = primary.surroundings.foreground;
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
    return this.surroundings.online;
  }

  get foreground(): boolean {
    return this.surroundings.foreground;
  }

  get directory(): string {
    return join(this.options.storageDir, this.device);
  }

  /** Open SQLite handles of the current incarnation. */
  get openHandles(): number {
    return this.now?.storage.openHandles ?? 0;
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
    this.shutDown(this.now as DeviceIncarnation, point !== END_OF_RUN);
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
    if (online === this.surroundings.online) return;
    this.surroundings.online = online;
    this.emit(online ? 'online' : 'offline');
  }

  setForeground(foreground: boolean): void {
    for (const extra of this.extras) extra.setForeground(foreground);
    if (foreground === this.surroundings.foreground) return;
    this.surroundings.foreground = foreground;
    this.emit(foreground ? 'foreground' : 'background');
  }

  /** A wrong device clock from now on (this and later incarnations). */
  setSkew(skewMs: number): void {
    assert(Number.isFinite(skewMs), `DeviceHost.setSkew: ${skewMs} is not finite`);
    this.skewMs = skewMs;
    if (this.now !== undefined) this.now.clock.skewMs = skewMs;
    for (const extra of this.extras) extra.setSkew(skewMs);
  }

  /**
   * Runs an app call with a bound, returning its outcome as a value. A throw or a hang of a
   * live client is recorded as device.error; a call cut short by a kill is not.
   */
  call<T>(label: string, fn: (client: SyncClient) => Promise<T>, options: CallOptions = {}): Promise<CallOutcome<T>> {
    const report = (life: Incarnation, message: string) => this.report(life, message);
    const target = { scheduler: this.options.scheduler, life: this.life, client: this.client, report };
    return callClient(target, label, fn, options);
  }

  private async boot(eventType: 'device.start' | 'device.restart'): Promise<void> {
    const life = this.life as Incarnation;
    const primary = this.options.instanceOf?.primary;
    const now = new DeviceIncarnation(life, this.options, {
      device: this.device,
      name: this.deviceId,
      instance: primary === undefined ? undefined : this.instanceNumber,
      directory: this.directory,
      vault: primary?.vault ?? this.vault,
      share: primary?.now?.storage,
      skewMs: this.skewMs,
      leaks: this.leaks,
      locks: this.locks,
    });
    this.now = now;
    let client: SyncClient;
    try {
      const started = now.start(this.options.factory, {
        reportError: (error) => {
          if (life.alive) this.report(life, `client error: ${describe(error)}`);
        },
        crashPoint: (name) => this.crashPoint(life, name),
        armedCrashPoint: () => (life.alive ? this.armed : undefined),
        surroundings: this.surroundings.view(life),
        logged: (type) => this.onClientLog?.(type),
      });
      client = now.adopt(await started);
    } catch (error) {
      if (!life.alive) return; // killed at a crash point during start: a kill, not an error
      this.shutDown(now);
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

  private shutDown(now: DeviceIncarnation, restartable = true): void {
    this.current = undefined;
    this.surroundings.clear();
    now.shutDown(restartable);
  }

  private report(life: Incarnation, message: string): void {
    this.errors.push({ incarnation: life.number, message });
    this.options.trace.record('device.error', { device: this.deviceId, message });
  }

  private emit(event: SurroundingsEvent): void {
    const life = this.life;
    if (life === undefined || !life.alive) return;
    const context = (this.now as DeviceIncarnation).context;
    this.surroundings.emit(event, life, context, (what, error) => this.report(life, `${what}: ${describe(error)}`));
  }

  private crashPoint(life: Incarnation, name: string): void {
    if (!life.alive) throw new DeviceKilled(this.device, name);
    const armed = this.armed;
    if (armed === undefined || (armed !== ANY_POINT && armed !== name)) return;
    this.armed = undefined;
    this.kill(name);
    throw new DeviceKilled(this.device, name);
  }
}
