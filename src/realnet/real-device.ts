/**
 * @module realnet/real-device
 * One device of a real-network run: the ClientEnv over real things (the recording fetch to
 * the proxy, a real clock, crypto randomness and UUIDs, SQLite files under the run's scratch
 * folder, log lines into the trace), the client started on it, and bounded app calls. There
 * are no kills in real mode: a device lives from `start` to `stop`.
 */
import { randomUUID, webcrypto } from 'node:crypto';
import { join } from 'node:path';
import type { ClientEnv, ClientFactory, ClientLogEvent, Surroundings, SyncClient } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import { Incarnation } from '../kernel/incarnation.ts';
import type { Trace } from '../kernel/trace.ts';
import { DeviceStorage } from '../sim/storage.ts';
import { RealClock } from './real-clock.ts';
import { type RequestBudget, recordingFetch } from './recording-fetch.ts';
import type { RunTimeline } from './timeline.ts';

export interface RealDeviceOptions {
  deviceId: string;
  /** Where the client's requests go (the proxy's listen address). */
  baseUrl: string;
  trace: Trace;
  timeline: RunTimeline;
  budget: RequestBudget;
  /** The device keeps its SQLite files under `<storageDir>/<deviceId>/`. */
  storageDir: string;
  /** The fetch under the recording one (default: the global fetch); conform injects faults here. */
  fetch?: typeof fetch;
}

export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: string; hung: boolean };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function cryptoRandom(): number {
  return webcrypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

/** Real time the client's continuations get after its requests were aborted, before storage closes. */
const STOP_SETTLE_MS = 20;

const ALWAYS_UP: Surroundings = {
  online: true,
  foreground: true,
  on: () => () => {},
};

export class RealDevice {
  readonly deviceId: string;
  readonly errors: string[] = [];
  private readonly life: Incarnation;
  private readonly clock: RealClock;
  private readonly storage: DeviceStorage;
  private current: SyncClient | undefined;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: RealDeviceOptions) {
    this.deviceId = options.deviceId;
    this.life = new Incarnation(options.deviceId, 0);
    this.clock = new RealClock(options.timeline, options.deviceId);
    const directory = join(options.storageDir, options.deviceId);
    DeviceStorage.wipe(directory);
    this.storage = new DeviceStorage(directory, this.life, 'file');
  }

  get client(): SyncClient | undefined {
    return this.life.alive ? this.current : undefined;
  }

  get alive(): boolean {
    return this.life.alive;
  }

  async start(factory: ClientFactory): Promise<void> {
    assert(this.current === undefined, `RealDevice.start: ${this.deviceId} already started`);
    this.current = await factory.start(this.env());
    this.options.trace.record('device.start', { device: this.deviceId, incarnation: 0 });
  }

  /** Runs an app call bounded by `timeoutMs` of real time; its outcome as a value. */
  call<T>(label: string, fn: (client: SyncClient) => Promise<T>, timeoutMs: number): Promise<CallOutcome<T>> {
    const client = this.client;
    if (client === undefined) return Promise.resolve({ ok: false, error: `${label}: device is down`, hung: false });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({ ok: false, hung: true, error: `${label} did not settle within ${timeoutMs} ms` });
      }, timeoutMs);
      Promise.resolve()
        .then(() => fn(client))
        .then(
          (value) => resolve({ ok: true, value }),
          (error: unknown) => resolve({ ok: false, hung: false, error: describe(error) }),
        )
        .finally(() => clearTimeout(timer));
    });
  }

  /**
   * Ends the device: nothing more is recorded, timers are cancelled, requests in flight are
   * aborted, and once the client's continuations have run, its storage is closed.
   */
  async stop(): Promise<void> {
    if (!this.life.alive) return;
    this.life.kill();
    this.clock.dispose();
    this.shutdown.abort();
    this.current = undefined;
    await new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_MS));
    this.storage.closeAll();
  }

  private report(message: string): void {
    if (!this.life.alive) return;
    this.errors.push(message);
    this.options.trace.record('device.error', { device: this.deviceId, message });
  }

  private env(): ClientEnv {
    const { deviceId, trace, budget, baseUrl } = this.options;
    return {
      deviceId,
      incarnation: 0,
      baseUrl,
      fetch: recordingFetch({
        deviceId,
        trace,
        budget,
        alive: () => this.life.alive,
        shutdown: this.shutdown.signal,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      }),
      clock: this.clock,
      random: cryptoRandom,
      uuid: () => randomUUID(),
      storage: this.storage,
      log: (event: ClientLogEvent) => {
        if (!this.life.alive) return;
        const { type, seq: _seq, t: _t, device: _device, ...data } = event;
        trace.record(`client.${type}`, { device: deviceId, ...data });
      },
      reportError: (error) => this.report(`client error: ${describe(error)}`),
      crashPoint: () => {},
      surroundings: ALWAYS_UP,
    };
  }
}
