/**
 * A small world for client tests: scheduler, trace, the reference server (optionally
 * behind a lagging read replica), the simulated network and one DeviceHost per device,
 * all from one seed. Helpers drive the scheduler in virtual time and read the trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientFactory, LocalRecord, SyncClient } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { Trace, type TraceEvent } from '../../src/kernel/trace.ts';
import { Network, type NetworkFaultRule, type SimServer } from '../../src/net/index.ts';
import { ReferenceServer, type ServerFaultRule, type ServerRecord } from '../../src/server/index.ts';
import { DeviceHost } from '../../src/sim/device.ts';
import { drive } from '../../src/sim/watchdog.ts';

export const BASE_URL = 'http://sync.test';
const EVENTS_MAX = 2_000_000;

/**
 * A read replica that can lag: it records every `/changes` page it hands out and can
 * answer a device's next `/changes` with an earlier page (stale data, as a lagging replica
 * or a CDN would serve). The reference server has no such fault; these tests need one.
 */
export class LaggingReplica implements SimServer {
  readonly pages: { device: string; body: string }[] = [];
  private replay: { device: string; body: string } | undefined;

  constructor(private readonly primary: SimServer) {}

  /** The next `/changes` request of `device` gets the page served earlier at `index`. */
  replayPage(device: string, index: number): void {
    const page = this.pages[index];
    if (page === undefined) throw new Error(`no page ${index} was served`);
    this.replay = { device, body: page.body };
  }

  async handle(request: Request, context: { deviceId: string }): Promise<Response> {
    const isChanges = new URL(request.url).pathname === '/changes';
    if (isChanges && this.replay?.device === context.deviceId) {
      const body = this.replay.body;
      this.replay = undefined;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    const response = await this.primary.handle(request, context);
    if (isChanges && response.status === 200)
      this.pages.push({ device: context.deviceId, body: await response.clone().text() });
    return response;
  }
}

export class Harness {
  readonly scheduler = new Scheduler();
  readonly rng: Rng;
  readonly trace: Trace;
  readonly server: ReferenceServer;
  readonly replica: LaggingReplica;
  readonly network: Network;
  readonly hosts = new Map<string, DeviceHost>();
  readonly storageDir = mkdtempSync(join(tmpdir(), 'syncstorm-client-'));

  constructor(seed = 'client-test') {
    this.rng = new Rng(seed);
    this.trace = new Trace({ now: () => this.scheduler.now() });
    this.server = new ReferenceServer({ scheduler: this.scheduler, rng: this.rng.fork('server'), trace: this.trace });
    this.replica = new LaggingReplica(this.server);
    this.network = new Network({
      scheduler: this.scheduler,
      rng: this.rng.fork('network'),
      trace: this.trace,
      server: this.replica,
      baseUrl: BASE_URL,
    });
  }

  /** Creates and starts a device. */
  async device(deviceId: string, factory: ClientFactory, skewMs = 0): Promise<DeviceHost> {
    const host = new DeviceHost({
      deviceId,
      scheduler: this.scheduler,
      rng: this.rng.fork(`device/${deviceId}`),
      trace: this.trace,
      network: this.network,
      factory,
      storageDir: this.storageDir,
      skewMs,
      baseUrl: BASE_URL,
    });
    this.hosts.set(deviceId, host);
    await this.settle(host.start());
    return host;
  }

  async restart(host: DeviceHost): Promise<void> {
    await this.settle(host.restart());
  }

  /** Runs an app call to completion (stepping the scheduler); throws if it fails or hangs. */
  async call<T>(host: DeviceHost, fn: (client: SyncClient) => Promise<T>, label = 'call'): Promise<T> {
    const outcome = await host.call(label, fn, { drive: true, timeoutMs: 10 * 60_000 });
    if (!outcome.ok) throw new Error(`${host.deviceId}: ${outcome.error}`);
    return outcome.value;
  }

  /** Lets `ms` of virtual time pass, running every event in it. */
  async run(ms: number): Promise<void> {
    const result = await this.scheduler.run({ until: this.scheduler.now() + ms, eventsMax: EVENTS_MAX });
    if (result.stoppedBy === 'events-max') throw new Error(`run(${ms}) hit ${EVENTS_MAX} events`);
  }

  /** Runs until `condition` holds (checked after each event) or `msMax` pass; returns whether it held. */
  async runUntil(condition: () => boolean, msMax: number): Promise<boolean> {
    const result = await this.scheduler.run({
      until: this.scheduler.now() + msMax,
      eventsMax: EVENTS_MAX,
      stopWhen: condition,
    });
    return result.stoppedBy === 'condition';
  }

  /** Steps the scheduler until `promise` settles; throws if it fails or hangs. */
  async settle<T>(promise: Promise<T>): Promise<T> {
    const outcome = await drive(this.scheduler, promise, {
      timeoutMs: 10 * 60_000,
      eventsMax: EVENTS_MAX,
      label: 'settle',
    });
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.value;
  }

  events(type: string, device?: string): TraceEvent[] {
    return this.trace
      .events()
      .filter((event) => event.type === type && (device === undefined || event.device === device));
  }

  /** `net.send` events of `device` to `path`. */
  sends(device: string, path: string): TraceEvent[] {
    return this.events('net.send', device).filter((event) => event.path === path);
  }

  serverRecord(collection: string, id: string): ServerRecord | undefined {
    return this.server.records().find((record) => record.collection === collection && record.id === id);
  }

  liveServerRecords(collection: string): ServerRecord[] {
    return this.server.records().filter((record) => record.collection === collection && !record.deleted);
  }

  addNetworkRule(rule: NetworkFaultRule): void {
    this.network.addRule(rule);
  }

  addServerRule(rule: ServerFaultRule): void {
    this.server.addRule(rule);
  }

  async record(host: DeviceHost, collection: string, id: string): Promise<LocalRecord | undefined> {
    const records = await this.call(host, (client) => client.list(collection), 'list');
    return records.find((record) => record.id === id);
  }

  close(): void {
    for (const host of this.hosts.values()) host.kill('end-of-test');
    rmSync(this.storageDir, { recursive: true, force: true });
  }
}

/** Creates a record on `host` and lets it sync; returns its id. */
export async function createSynced(
  harness: Harness,
  host: DeviceHost,
  fields: Record<string, string | number | string[]>,
): Promise<string> {
  const id = await harness.call(host, (client) => client.create('notes', fields), 'create');
  await harness.call(host, (client) => client.sync(), 'sync');
  return id;
}
