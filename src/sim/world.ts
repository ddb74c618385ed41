/**
 * @module sim/world
 * Everything one run is made of, wired together from one seed: virtual time, the seeded
 * generator, the trace, the reference server, the simulated network and a host per
 * device. Every component gets its own fork of the generator, named by a stable label.
 */
import type { ClientFactory } from '../client/contract.ts';
import { LeakLog } from '../kernel/leaks.ts';
import { OutsideWaits } from '../kernel/outside-waits.ts';
import { Rng } from '../kernel/rng.ts';
import { Scheduler } from '../kernel/scheduler.ts';
import { Trace } from '../kernel/trace.ts';
import { Network, type SimServer } from '../net/index.ts';
import { createServerEnv, type ServerWrapper } from '../server/hooks.ts';
import { ReferenceServer, type ServerConfig } from '../server/index.ts';
import { DeviceHost } from './device.ts';
import type { Plan } from './plan.ts';
import { PROFILES } from './profiles.ts';
import type { StorageMode } from './storage.ts';
import { VIEW_DELTA } from './view-delta.ts';

export const BASE_URL = 'http://sync.test';

export interface WorldOptions {
  seed: string;
  plan: Plan;
  client: ClientFactory;
  /** Folder under which each device keeps its SQLite files. */
  storageDir: string;
  /** Client storage: in-memory SQLite kept across kills (default) or SQLite files. */
  storage?: StorageMode;
  traceFile?: string;
  serverConfig?: Partial<ServerConfig>;
  /** Virtual globals inside devices (default true; the client may also opt out). */
  virtualGlobals?: boolean;
  /** The server slot: a wrapper around the reference server (a mutant, hooks); none by default. */
  serverWrapper?: ServerWrapper;
}

export interface World {
  scheduler: Scheduler;
  rng: Rng;
  trace: Trace;
  server: ReferenceServer;
  network: Network;
  hosts: Map<string, DeviceHost>;
  /** Real time and randomness the devices used (the tripwire), for the whole run. */
  leaks: LeakLog;
  /** Real work the devices await; the scheduler lets it settle before each event. */
  outside: OutsideWaits;
}

export function createWorld(options: WorldOptions): World {
  const scheduler = new Scheduler();
  const leaks = new LeakLog();
  const outside = new OutsideWaits();
  scheduler.outside = outside;
  const virtualGlobals = options.virtualGlobals !== false && options.client.virtualGlobals !== false;
  const rng = new Rng(options.seed);
  const trace = new Trace({
    now: () => scheduler.now(),
    listDelta: VIEW_DELTA,
    ...(options.traceFile ? { file: options.traceFile } : {}),
  });
  const server = new ReferenceServer({
    scheduler,
    rng: rng.fork('server'),
    trace,
    ...(options.serverConfig ? { config: options.serverConfig } : {}),
  });
  const network = new Network({
    scheduler,
    rng: rng.fork('network'),
    trace,
    server: slotted(server, options.serverWrapper, { scheduler, rng, trace }),
    baseUrl: BASE_URL,
    defaultLink: PROFILES[options.plan.profile].link,
  });
  for (const rule of options.plan.networkRules) network.addRule(rule);
  for (const rule of options.plan.serverRules) server.addRule(rule);
  const hosts = new Map<string, DeviceHost>();
  for (const device of options.plan.devices) {
    if (device.link) network.setLink(device.id, device.link);
    const host = new DeviceHost({
      deviceId: device.id,
      scheduler,
      rng: rng.fork(`device/${device.id}`),
      trace,
      network,
      factory: options.client,
      storageDir: options.storageDir,
      // A client that keeps its own files (a process client) asks for file storage.
      storage: options.client.storage ?? options.storage ?? 'memory',
      skewMs: device.skewMs ?? 0,
      baseUrl: BASE_URL,
      virtualGlobals,
      leaks,
      outside,
    });
    hosts.set(device.id, host);
  }
  return { scheduler, rng, trace, server, network, hosts, leaks, outside };
}

/** What the network talks to: the reference server, or the wrapper in the server slot around it. */
function slotted(
  server: ReferenceServer,
  wrapper: ServerWrapper | undefined,
  run: { scheduler: Scheduler; rng: Rng; trace: Trace },
): SimServer {
  if (wrapper === undefined) return server;
  const env = createServerEnv({
    name: wrapper.name,
    scheduler: run.scheduler,
    rng: run.rng.fork('server-hooks'),
    trace: run.trace,
    records: () => server.records(),
  });
  const handle = wrapper.wrap((request, deviceId) => server.handle(request, { deviceId }), env);
  return { handle: (request, context) => handle(request, context.deviceId) };
}
