/**
 * Kernel and network benchmark: scheduler events per second, simulated fetch exchanges per
 * second against a trivial JSON handler, and, in the same run, the bare floor every real
 * exchange pays (new Request → json() → new Response → json()), so the simulator's overhead
 * shows as a ratio. Run: `npx tsx bench/kernel-net.ts [exchanges]`. Numbers, not a test.
 */
import { performance } from 'node:perf_hooks';
import { Incarnation } from '../src/kernel/incarnation.ts';
import { Rng } from '../src/kernel/rng.ts';
import { Scheduler } from '../src/kernel/scheduler.ts';
import { Trace } from '../src/kernel/trace.ts';
import { Network, type SimServer } from '../src/net/index.ts';

const EXCHANGES = Number(process.argv[2] ?? 20_000);
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

async function schedulerEventsPerSecond(): Promise<number> {
  const scheduler = new Scheduler();
  let remaining = EVENTS;
  const tick = () => {
    if (--remaining > 0) scheduler.after(1, 'tick', tick);
  };
  scheduler.after(0, 'tick', tick);
  const start = performance.now();
  const result = await scheduler.run({ eventsMax: EVENTS + 1 });
  return result.events / ((performance.now() - start) / 1000);
}

/** `concurrency` devices each run `count / concurrency` sequential exchanges. */
async function exchangesPerSecond(count: number, concurrency: number, keepTrace: boolean): Promise<number> {
  const scheduler = new Scheduler();
  const trace = new Trace({ now: () => scheduler.now(), keep: keepTrace });
  const network = new Network({ scheduler, rng: new Rng('bench'), trace, server: echo });
  const perDevice = Math.floor(count / concurrency);
  let done = 0;
  const loops: Promise<void>[] = [];
  for (let d = 0; d < concurrency; d++) {
    const fetchOfDevice = network.fetchFor(new Incarnation(`D${d}`, 0));
    loops.push(
      (async () => {
        for (let i = 0; i < perDevice; i++) {
          const response = await fetchOfDevice(URL_OPS, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` },
            body: JSON.stringify(PAYLOAD),
          });
          await response.json();
          done++;
        }
      })(),
    );
  }
  const start = performance.now();
  await scheduler.run({ eventsMax: count * 10 });
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(loops);
  if (done !== perDevice * concurrency) throw new Error(`only ${done} exchanges completed`);
  return done / seconds;
}

async function floorPerSecond(count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const request = new Request(URL_OPS, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` },
      body: JSON.stringify(PAYLOAD),
    });
    const body = (await request.json()) as { opId: string };
    const response = Response.json({ opId: body.opId, record: { rev: 4 } });
    await response.json();
  }
  return count / ((performance.now() - start) / 1000);
}

function format(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s (${(1e6 / perSecond).toFixed(1)} µs each)`;
}

/** Best of `rounds` runs: the least disturbed by GC pauses and the machine's other work. */
async function best(rounds: number, measure: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let round = 0; round < rounds; round++) top = Math.max(top, await measure());
  return top;
}

async function main(): Promise<void> {
  // Warm up the JIT on both paths before measuring.
  await floorPerSecond(2_000);
  await exchangesPerSecond(2_000, 1, true);
  const rounds = 5;
  const events = await best(rounds, schedulerEventsPerSecond);
  const floor = await best(rounds, () => floorPerSecond(EXCHANGES));
  const sequential = await best(rounds, () => exchangesPerSecond(EXCHANGES, 1, true));
  const concurrent = await best(rounds, () => exchangesPerSecond(EXCHANGES, 16, true));
  const untraced = await best(rounds, () => exchangesPerSecond(EXCHANGES, 1, false));
  console.log(`best of ${rounds} rounds, ${EXCHANGES} exchanges each, Node ${process.version}`);
  console.log(`scheduler events:                         ${format(events)}`);
  console.log(`bare floor (Request→json→Response→json):  ${format(floor)}`);
  console.log(
    `simulated exchanges, 1 device:            ${format(sequential)}  overhead ${(floor / sequential).toFixed(2)}×`,
  );
  console.log(
    `simulated exchanges, 16 devices at once:  ${format(concurrent)}  overhead ${(floor / concurrent).toFixed(2)}×`,
  );
  console.log(
    `  1 device, trace hashed but not kept:    ${format(untraced)}  overhead ${(floor / untraced).toFixed(2)}×`,
  );
}

await main();
