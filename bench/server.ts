/**
 * Server cost per request (issue 3). Run: `npx tsx bench/server.ts [--quick]`.
 *
 * Prints CPU µs per exchange, one JSON op (`POST /sync/ops`, an update) and one page
 * (`GET /changes?limit=10`), through:
 *   floor          new Request → json() → new Response → json(), no server at all;
 *   direct         ReferenceServer, route table straight into the handler's pipeline (the default);
 *   one-handler    route table, then msw getResponse([the one matching handler]);
 *   all-handlers   msw getResponse(all 5 handlers) (plain msw usage);
 * each including the server's own work and its trace events (kept in memory, hashed).
 * Then @msw/data 1.x against a Map, at 1k and 10k records: the numbers behind the store's
 * decision (src/server/store.ts) to keep records in a Map with sorted indexes.
 */
import { Collection } from '@msw/data';
import { z } from 'zod';
import { Rng } from '../src/kernel/rng.ts';
import { Scheduler } from '../src/kernel/scheduler.ts';
import { Trace } from '../src/kernel/trace.ts';
import type { DispatchMode } from '../src/server/dispatch.ts';
import { ReferenceServer, type TokenResponse } from '../src/server/index.ts';

const quick = process.argv.includes('--quick');
const ITERATIONS = quick ? 2_000 : 10_000;
const WARMUP = quick ? 500 : 2_000;
/** Rows are measured in interleaved rounds and the fastest round is kept, so load spikes from
 * other processes on the machine distort the ratios less. */
const ROUNDS = quick ? 1 : 3;
const URL_BASE = 'http://sync.test';

/**
 * µs of this process's CPU time (user + system) per call: on a shared, loaded machine, wall
 * time mostly measures the other processes. Everything measured runs on the main thread.
 */
async function timeUs(iterations: number, body: (index: number) => Promise<unknown>): Promise<number> {
  for (let index = 0; index < WARMUP; index++) await body(-1 - index);
  const start = process.cpuUsage();
  for (let index = 0; index < iterations; index++) await body(index);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

async function floor(): Promise<number> {
  const payload = { opId: 'x', collection: 'notes', id: 'n1', kind: 'update', baseRev: null, patch: [] };
  return timeUs(ITERATIONS, async () => {
    const request = new Request(`${URL_BASE}/sync/ops`, { method: 'POST', body: JSON.stringify(payload) });
    const parsed = await request.json();
    const response = new Response(JSON.stringify(parsed), { status: 200 });
    return response.json();
  });
}

async function serverFor(mode: DispatchMode): Promise<{ server: ReferenceServer; token: string }> {
  const scheduler = new Scheduler();
  const trace = new Trace({ now: () => scheduler.now() });
  const server = new ReferenceServer({ scheduler, rng: new Rng('bench').fork('server'), trace, dispatch: mode });
  const login = await server.handle(
    new Request(`${URL_BASE}/auth/refresh`, { method: 'POST', body: JSON.stringify({ deviceId: 'A' }) }),
    { deviceId: 'A' },
  );
  const { token } = (await login.json()) as TokenResponse;
  for (let index = 0; index < 100; index++) {
    const op = {
      opId: `seed-${index}`,
      collection: 'notes',
      id: `n${index}`,
      kind: 'create',
      baseRev: null,
      patch: [],
    };
    await server.handle(
      new Request(`${URL_BASE}/sync/ops`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': op.opId },
        body: JSON.stringify(op),
      }),
      { deviceId: 'A' },
    );
  }
  return { server, token };
}

async function opCost(mode: DispatchMode): Promise<number> {
  const { server, token } = await serverFor(mode);
  return timeUs(ITERATIONS, async (index) => {
    const op = {
      opId: `op-${index}`,
      collection: 'notes',
      id: `n${Math.abs(index) % 100}`,
      kind: 'update',
      baseRev: null,
      patch: [{ op: 'set', field: 'title', value: `v${index}` }],
    };
    const request = new Request(`${URL_BASE}/sync/ops`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': op.opId },
      body: JSON.stringify(op),
    });
    return (await server.handle(request, { deviceId: 'A' })).json();
  });
}

async function changesCost(mode: DispatchMode): Promise<number> {
  const { server, token } = await serverFor(mode);
  return timeUs(ITERATIONS, async () => {
    const request = new Request(`${URL_BASE}/changes?since=c50&limit=10`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await server.handle(request, { deviceId: 'A' })).json();
  });
}

/** CPU µs since `start` (a `process.cpuUsage()` reading). */
function cpuUsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function mswDataCost(records: number): Promise<Record<string, number>> {
  const schema = z.object({ key: z.string(), rev: z.number(), fields: z.record(z.string(), z.string()) });
  const collection = new Collection({ schema });
  let start = process.cpuUsage();
  for (let index = 0; index < records; index++) await collection.create({ key: `k${index}`, rev: 1, fields: {} });
  const createUs = cpuUsSince(start) / records;
  const lookups = quick ? 50 : 300;
  start = process.cpuUsage();
  for (let index = 0; index < lookups; index++) {
    collection.findFirst((query) => query.where({ key: `k${(index * 7919) % records}` }));
  }
  const findFirstUs = cpuUsSince(start) / lookups;
  start = process.cpuUsage();
  for (let index = 0; index < lookups; index++) {
    const record = collection.all()[(index * 7919) % records];
    if (record === undefined) throw new Error('missing record');
    await collection.update(record, { data: (draft) => void (draft.rev += 1) });
  }
  const updateUs = cpuUsSince(start) / lookups;
  const map = new Map(collection.all().map((record) => [record.key, record]));
  start = process.cpuUsage();
  let found = 0;
  for (let index = 0; index < lookups * 1000; index++) if (map.get(`k${(index * 7919) % records}`)) found++;
  const mapGetUs = cpuUsSince(start) / (lookups * 1000);
  if (found === 0) throw new Error('map lookups found nothing');
  return { createUs, findFirstUs, updateUs, mapGetUs };
}

const fmt = (value: number) => value.toFixed(1).padStart(7);

const MODES = ['direct', 'one-handler', 'all-handlers'] as const;

async function main(): Promise<void> {
  console.log(`server bench: ${ITERATIONS} exchanges per row, best of ${ROUNDS} rounds, Node ${process.version}`);
  const best = new Map<string, number>();
  const keep = (key: string, value: number) =>
    best.set(key, Math.min(best.get(key) ?? Number.POSITIVE_INFINITY, value));
  for (let round = 0; round < ROUNDS; round++) {
    keep('floor', await floor());
    for (const mode of MODES) {
      keep(`${mode}/op`, await opCost(mode));
      keep(`${mode}/changes`, await changesCost(mode));
    }
  }
  const floorUs = best.get('floor') ?? 0;
  console.log(`floor (Request/Response + JSON)      ${fmt(floorUs)} µs`);
  console.log('dispatch        POST /sync/ops (×floor)   GET /changes (×floor)');
  for (const mode of MODES) {
    const op = best.get(`${mode}/op`) ?? 0;
    const changes = best.get(`${mode}/changes`) ?? 0;
    console.log(
      `${mode.padEnd(14)} ${fmt(op)} µs (${(op / floorUs).toFixed(1)}×)   ${fmt(changes)} µs (${(changes / floorUs).toFixed(1)}×)`,
    );
  }
  console.log('@msw/data 1.x      create   findFirst   update (by record)   Map.get');
  for (const records of [1_000, 10_000]) {
    const cost = await mswDataCost(records);
    console.log(
      `${String(records).padStart(6)} records ${fmt(cost.createUs ?? 0)} ${fmt(cost.findFirstUs ?? 0)} µs ${fmt(cost.updateUs ?? 0)} µs         ${(cost.mapGetUs ?? 0).toFixed(3)} µs`,
    );
  }
}

await main();
