/**
 * Kernel and network benchmark: scheduler events per second, simulated fetch exchanges per
 * second against a trivial JSON handler, and, in the same run, the bare floor every real
 * exchange pays (new Request → json() → new Response → json()), so the simulator's overhead
 * shows as a ratio. Run: `npx tsx bench/kernel-net.ts [exchanges] [rounds]`. Numbers, not a test.
 *
 * Each measurement runs `rounds` times, interleaved with the others so that all see the same
 * machine, and the best round counts (the least disturbed by GC and by other processes).
 * Both wall time and this process's CPU time are reported: on a shared machine CPU time is
 * the steadier of the two, and the ratio is computed on it.
 */
import { performance } from 'node:perf_hooks';
import { Incarnation } from '../src/kernel/incarnation.ts';
import { Rng } from '../src/kernel/rng.ts';
import { Scheduler } from '../src/kernel/scheduler.ts';
import { Trace } from '../src/kernel/trace.ts';
import { Network, type SimServer } from '../src/net/index.ts';

const EXCHANGES = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const EVENTS = 200_000;
const URL_OPS = 'http://sync.test/sync/ops';
const PAYLOAD = {
  opId: 'op-1',
  collection: 'todos',
  id: 'r-1',
  kind: 'update',
  baseRev: 3,
  patch: [{ op: 'set', field: 'title', value: 'hello world' }],
};

const echo: SimServer = {
  async handle(request) {
    const body = (await request.json()) as { opId: string };
    return Response.json({ opId: body.opId, record: { rev: 4 } });
  },
};

function requestInit(index: number): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `k${index}` },
    body: JSON.stringify(PAYLOAD),
  };
}

interface Cost {
  /** Microseconds per operation. */
  wallUs: number;
  cpuUs: number;
}

async function measure(operations: number, body: () => Promise<void>): Promise<Cost> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await body();
  const cpu = process.cpuUsage(cpuStart);
  return { wallUs: ((performance.now() - wallStart) * 1000) / operations, cpuUs: (cpu.user + cpu.system) / operations };
}

function schedulerEvents(): Promise<Cost> {
  const scheduler = new Scheduler();
  let remaining = EVENTS;
  const tick = () => {
    if (--remaining > 0) scheduler.after(1, 'tick', tick);
  };
  scheduler.after(0, 'tick', tick);
  return measure(EVENTS, async () => {
    await scheduler.run({ eventsMax: EVENTS + 1 });
  });
}

function floor(count: number): Promise<Cost> {
  return measure(count, async () => {
    for (let index = 0; index < count; index++) {
      const request = new Request(URL_OPS, requestInit(index));
      const body = (await request.json()) as { opId: string };
      const response = Response.json({ opId: body.opId, record: { rev: 4 } });
      await response.json();
    }
  });
}

/** `devices` devices each run `count / devices` sequential exchanges through the simulated network. */
function exchanges(count: number, devices: number, keepTrace: boolean): Promise<Cost> {
  const scheduler = new Scheduler();
  const trace = new Trace({ now: () => scheduler.now(), keep: keepTrace });
  const network = new Network({ scheduler, rng: new Rng('bench'), trace, server: echo });
  const perDevice = Math.floor(count / devices);
  let done = 0;
  const loops: Promise<void>[] = [];
  for (let device = 0; device < devices; device++) {
    const fetchOfDevice = network.fetchFor(new Incarnation(`D${device}`, 0));
    loops.push(
      (async () => {
        for (let index = 0; index < perDevice; index++) {
          const response = await fetchOfDevice(URL_OPS, requestInit(index));
          await response.json();
          done++;
        }
      })(),
    );
  }
  return measure(perDevice * devices, async () => {
    await scheduler.run({ eventsMax: count * 10 });
    await Promise.all(loops);
    if (done !== perDevice * devices) throw new Error(`only ${done} of ${perDevice * devices} exchanges completed`);
  });
}

function perSecond(us: number): string {
  return `${Math.round(1e6 / us).toLocaleString('en-US')}/s`;
}

function line(name: string, cost: Cost, floorCost?: Cost): string {
  const ratio =
    floorCost === undefined
      ? ''
      : `  overhead ${(cost.cpuUs / floorCost.cpuUs).toFixed(2)}× (wall ${(cost.wallUs / floorCost.wallUs).toFixed(2)}×)`;
  return `${name.padEnd(44)} ${perSecond(cost.cpuUs).padStart(11)} cpu  ${cost.cpuUs.toFixed(1).padStart(6)} µs cpu  ${cost.wallUs.toFixed(1).padStart(6)} µs wall${ratio}`;
}

async function main(): Promise<void> {
  const cases: Record<string, () => Promise<Cost>> = {
    events: schedulerEvents,
    floor: () => floor(EXCHANGES),
    sequential: () => exchanges(EXCHANGES, 1, true),
    concurrent: () => exchanges(EXCHANGES, 16, true),
    untraced: () => exchanges(EXCHANGES, 1, false),
  };
  // Warm up the JIT on every path before measuring.
  await floor(2_000);
  await exchanges(2_000, 4, true);
  const best: Record<string, Cost> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const cost = await run();
      const previous = best[name];
      best[name] = {
        wallUs: Math.min(previous?.wallUs ?? Number.POSITIVE_INFINITY, cost.wallUs),
        cpuUs: Math.min(previous?.cpuUs ?? Number.POSITIVE_INFINITY, cost.cpuUs),
      };
    }
  }
  const get = (name: string) => best[name] as Cost;
  console.log(`Node ${process.version}; best of ${ROUNDS} interleaved rounds; ${EXCHANGES} exchanges per round`);
  console.log(line('scheduler events (each: heap + settle)', get('events')));
  console.log(line('bare floor: Request→json→Response→json', get('floor')));
  console.log(line('simulated exchanges, 1 device', get('sequential'), get('floor')));
  console.log(line('simulated exchanges, 16 devices at once', get('concurrent'), get('floor')));
  console.log(line('1 device, trace hashed but not kept', get('untraced'), get('floor')));
}

await main();
