/**
 * @module realnet/conform/client-run
 * Reference clients against the server under test, over real HTTP with client-side faults:
 * three devices play a short workload (creates, counter increments, retitles, a delete or
 * two, pulls to refresh) while their requests are duplicated, sent twice at once or have
 * their answers dropped; then the faults stop and the clients get a bounded time to settle.
 * What they end with is judged by clients-converge.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceClient } from '../../client/reference/index.ts';
import { Rng } from '../../kernel/rng.ts';
import { Trace } from '../../kernel/trace.ts';
import { viewMatchesServer } from '../../sim/heal.ts';
import { type DeviceView, readView } from '../../sim/views.ts';
import { userSteps, RealWorkload } from '../chaos/workload.ts';
import { drawRealPlan } from '../chaos/workload-plan.ts';
import { RealDevice } from '../real-device.ts';
import { RequestBudget } from '../recording-fetch.ts';
import { RunTimeline } from '../timeline.ts';
import { type ClientFaults, faultyFetch } from './faulty-fetch.ts';
import type { ConformSession } from './session.ts';
import type { ServerRecord } from '../../server/protocol.ts';

export const CLIENT_RUN = {
  devices: 3,
  opsPerDevice: 8,
  /** Real ms of the faulty phase. */
  chaosMs: 2_000,
  speed: 20,
  /** Real ms the clients get to settle after the faults stop. */
  settleMs: 10_000,
  callTimeoutMs: 10_000,
  requestsMax: 2_000,
} as const;

export interface ClientRunOutcome {
  trace: Trace;
  views: Map<string, DeviceView | undefined>;
  /** Every record the server holds, at its latest state. */
  server: ServerRecord[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverRecords(session: ConformSession): Promise<ServerRecord[]> {
  const latest = new Map<string, ServerRecord>();
  for (const record of (await session.readSince('')).records) {
    const key = `${record.collection}/${record.id}`;
    const known = latest.get(key);
    if (known === undefined || record.rev > known.rev) latest.set(key, record);
  }
  return [...latest.values()];
}

async function views(devices: readonly RealDevice[], collections: readonly string[]): Promise<Map<string, DeviceView | undefined>> {
  const out = new Map<string, DeviceView | undefined>();
  for (const device of devices) {
    const outcome = await device.call('view', (client) => readView(client, collections), CLIENT_RUN.callTimeoutMs);
    out.set(device.deviceId, outcome.ok ? outcome.value : undefined);
  }
  return out;
}

export async function runClients(session: ConformSession, seed: string): Promise<ClientRunOutcome> {
  const collections = [session.collection];
  const timeline = new RunTimeline(CLIENT_RUN.speed);
  const trace = new Trace({ now: () => timeline.now() });
  const budget = new RequestBudget(CLIENT_RUN.requestsMax);
  const faults: ClientFaults = { duplicate: 0.15, concurrent: 0.1, drop: 0.15, enabled: true };
  const rng = new Rng(seed);
  const storageDir = mkdtempSync(join(tmpdir(), 'syncstorm-conform-'));
  const client = createReferenceClient({ collections, name: 'reference' });
  const devices = Array.from({ length: CLIENT_RUN.devices }, (_, index) => {
    const deviceId = `${session.deviceId}-d${index + 1}`;
    const fetch = faultyFetch(rng.fork(`faults/${index}`), faults);
    return new RealDevice({ deviceId, baseUrl: session.baseUrl, trace, timeline, budget, storageDir, fetch });
  });
  try {
    for (const device of devices) await device.start(client);
    const plan = drawRealPlan(rng.fork('workload'), {
      devices: CLIENT_RUN.devices,
      opsPerDevice: CLIENT_RUN.opsPerDevice,
      chaosMs: CLIENT_RUN.chaosMs * CLIENT_RUN.speed,
      collections,
    });
    const byId = new Map(devices.map((device, index) => [`d${index + 1}`, device]));
    const workload = new RealWorkload({ devices: byId, trace, timeline, collections, actionTimeoutMs: CLIENT_RUN.callTimeoutMs });
    await workload.play(userSteps(plan.steps));
    faults.enabled = false;
    const deadline = performance.now() + CLIENT_RUN.settleMs;
    let server = await serverRecords(session);
    let seen = await views(devices, collections);
    while (performance.now() < deadline && ![...seen.values()].every((view) => view !== undefined && viewMatchesServer(view, server))) {
      await pause(250);
      server = await serverRecords(session);
      seen = await views(devices, collections);
    }
    return { trace, views: seen, server };
  } finally {
    for (const device of devices) await device.stop();
    rmSync(storageDir, { recursive: true, force: true });
  }
}
