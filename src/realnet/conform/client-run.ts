/**
 * @module realnet/conform/client-run
 * Reference clients against the server under test, over real HTTP with client-side faults:
 * three devices play a short script (creates, counter increments on every record, retitles,
 * deletes of each other's records) while their requests are duplicated, sent twice at once
 * or have their answers dropped; after each phase the faults stop and the clients get a
 * bounded time to settle.
 * What they end with is judged by clients-converge.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceClient } from '../../client/reference/index.ts';
import { Rng } from '../../kernel/rng.ts';
import { Trace } from '../../kernel/trace.ts';
import type { ServerRecord } from '../../server/protocol.ts';
import { viewMatchesServer } from '../../sim/view-match.ts';
import { type DeviceView, readView } from '../../sim/views.ts';
import { RealWorkload, type UserStep } from '../chaos/workload.ts';
import { RealDevice } from '../real-device.ts';
import { RequestBudget } from '../recording-fetch.ts';
import { RunTimeline } from '../timeline.ts';
import { type ClientFaults, faultyFetch } from './faulty-fetch.ts';
import type { ConformSession } from './session.ts';

export const CLIENT_RUN = {
  devices: 3,
  /** Run-time ms between two steps of one phase. */
  stepGapMs: 1_000,
  speed: 20,
  /** Real ms the clients get to settle after a faulty phase. */
  settleMs: 15_000,
  callTimeoutMs: 10_000,
  requestsMax: 3_000,
} as const;

type Phase = { faults: boolean; steps: UserStep[] };

/**
 * The script: every device creates two records (faults on); once everything is pushed, all
 * pull (faults off), so each shows every record; then each increments and retitles records
 * of all devices (faults on); once that settled, each deletes a record another device
 * created (faults on), which every other device must then stop showing.
 */
function script(devices: readonly string[], collection: string): Phase[] {
  const gap = CLIENT_RUN.stepGapMs;
  const refs = devices.flatMap((device) => [`${device}r1`, `${device}r2`]);
  const creates = devices.flatMap((device, index) =>
    [1, 2].map(
      (n): UserStep => ({
        at: (index * 2 + n) * gap * 0.3,
        do: 'create',
        device,
        collection,
        ref: `${device}r${n}`,
        fields: ['title'],
      }),
    ),
  );
  const pulls = devices.map((device, index): UserStep => ({ at: index * gap * 0.1, do: 'sync', device }));
  const edits = devices.flatMap((device, index): UserStep[] => [
    ...refs.map(
      (ref, n): UserStep => ({
        at: (n + 1) * gap * 0.4 + index * 37,
        do: 'update',
        device,
        ref,
        ops: [{ op: 'inc', field: 'likes', by: 1 + ((n + index) % 3) }],
      }),
    ),
    {
      at: (refs.length + 1) * gap * 0.4 + index * 37,
      do: 'update',
      device,
      ref: refs[(index * 2 + 3) % refs.length] as string,
      ops: [{ op: 'set', field: 'title' }],
    },
  ]);
  const deletes = devices.map(
    (device, index): UserStep => ({
      at: index * gap * 0.3,
      do: 'delete',
      device,
      ref: `${devices[(index + 1) % devices.length]}r1`,
    }),
  );
  return [
    { faults: true, steps: creates },
    { faults: false, steps: pulls },
    { faults: true, steps: edits },
    { faults: true, steps: deletes },
  ];
}

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

async function views(
  devices: readonly RealDevice[],
  collections: readonly string[],
): Promise<Map<string, DeviceView | undefined>> {
  const out = new Map<string, DeviceView | undefined>();
  for (const device of devices) {
    const outcome = await device.call('view', (client) => readView(client, collections), CLIENT_RUN.callTimeoutMs);
    out.set(device.deviceId, outcome.ok ? outcome.value : undefined);
  }
  return out;
}

/** Waits (bounded) until every device shows the server's records with nothing pending. */
async function settle(session: ConformSession, devices: readonly RealDevice[], collections: readonly string[]) {
  const deadline = performance.now() + CLIENT_RUN.settleMs;
  let server = await serverRecords(session);
  let seen = await views(devices, collections);
  while (
    performance.now() < deadline &&
    ![...seen.values()].every((view) => view !== undefined && viewMatchesServer(view, server))
  ) {
    await pause(250);
    server = await serverRecords(session);
    seen = await views(devices, collections);
  }
  return { server, seen };
}

export async function runClients(session: ConformSession, seed: string): Promise<ClientRunOutcome> {
  const collections = [session.collection];
  const timeline = new RunTimeline(CLIENT_RUN.speed);
  const trace = new Trace({ now: () => timeline.now() });
  const budget = new RequestBudget(CLIENT_RUN.requestsMax);
  const faults: ClientFaults = { duplicate: 0.25, concurrent: 0.15, drop: 0.2, enabled: true };
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
    const byId = new Map(devices.map((device, index) => [`d${index + 1}`, device]));
    const workload = new RealWorkload({
      devices: byId,
      trace,
      timeline,
      collections,
      actionTimeoutMs: CLIENT_RUN.callTimeoutMs,
    });
    let settled = { server: [] as ServerRecord[], seen: new Map<string, DeviceView | undefined>() };
    for (const phase of script([...byId.keys()], session.collection)) {
      faults.enabled = phase.faults;
      await workload.play(phase.steps);
      faults.enabled = false;
      settled = await settle(session, devices, collections);
    }
    const { server, seen } = settled;
    return { trace, views: seen, server };
  } finally {
    for (const device of devices) await device.stop();
    rmSync(storageDir, { recursive: true, force: true });
  }
}
