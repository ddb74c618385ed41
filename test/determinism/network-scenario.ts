/**
 * @module test/determinism/network-scenario
 * A seeded scenario that exercises the kernel and the simulated network together: devices
 * that write with idempotency keys and retry with backoff on their own clocks, a server that
 * takes virtual time, random link faults, fault rules, an offline spell, a partition and a
 * kill with restart. Its trace hash is what the determinism tests compare.
 */
import { DeviceClock } from '../../src/kernel/clock.ts';
import { uuidV4 } from '../../src/kernel/ids.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { Trace } from '../../src/kernel/trace.ts';
import { Network, type SimServer } from '../../src/net/index.ts';

export interface ScenarioOptions {
  seed: string;
  devices?: readonly string[];
  writesPerDevice?: number;
}

export interface ScenarioResult {
  hash: string;
  trace: Trace;
  applied: number;
}

/** Applies each idempotency key once, taking 0-200 virtual ms drawn from its own stream. */
function counterServer(scheduler: Scheduler, rng: Rng, trace: Trace) {
  const seen = new Map<string, number>();
  const server: SimServer & { applied: number } = {
    applied: 0,
    handle(request, context) {
      const key = request.headers.get('idempotency-key') ?? 'none';
      return new Promise((resolve) => {
        scheduler.after(rng.int(0, 200), 'server', () => {
          let value = seen.get(key);
          if (value === undefined) {
            value = ++server.applied;
            seen.set(key, value);
            trace.record('server.apply', { device: context.deviceId, opId: key, value });
          }
          resolve(Response.json({ opId: key, value }, value % 7 === 0 ? { status: 201 } : {}));
        });
      });
    },
  };
  return server;
}

/** One device's life: `writes` POSTs, each retried with backoff until answered or the life ends. */
async function deviceLoop(network: Network, scheduler: Scheduler, life: Incarnation, rng: Rng, writes: number) {
  const clock = new DeviceClock({ scheduler, owner: life });
  const fetchOfDevice = network.fetchFor(life);
  for (let write = 0; write < writes; write++) {
    const key = uuidV4(rng);
    for (let attempt = 0; attempt < 8; attempt++) {
      const controller = new AbortController();
      const timer = clock.setTimeout(() => controller.abort(), rng.int(2_000, 6_000));
      try {
        const response = await fetchOfDevice('/sync/ops', {
          method: 'POST',
          headers: { 'Idempotency-Key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ write, attempt }),
          signal: controller.signal,
        });
        await response.json();
        break;
      } catch {
        await clock.sleep(rng.int(100, 1_000) * 2 ** Math.min(attempt, 4));
      } finally {
        clock.clearTimeout(timer);
      }
    }
    await clock.sleep(rng.int(0, 300));
  }
}

export async function runNetworkScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const devices = options.devices ?? ['A', 'B', 'C'];
  const writes = options.writesPerDevice ?? 12;
  const scheduler = new Scheduler();
  const rng = new Rng(options.seed);
  const trace = new Trace({ now: () => scheduler.now() });
  const server = counterServer(scheduler, rng.fork('server'), trace);
  const network = new Network({
    scheduler,
    rng: rng.fork('network'),
    trace,
    server,
    timeoutMs: 4_000,
    defaultLink: {
      latencyMs: 40,
      jitterMs: 30,
      requestLossProbability: 0.05,
      responseLossProbability: 0.05,
      duplicateProbability: 0.05,
      resetProbability: 0.05,
      reorderProbability: 0.1,
      reorderDelayMsMax: 300,
    },
  });
  network.addRule({ id: 'third-dropped', match: { device: 'A', nth: 3 }, verdict: { type: 'drop-response' } });
  network.addRule({ id: 'echo', match: { device: 'B', nth: 2 }, verdict: { type: 'duplicate' } });
  network.addRule({
    id: 'busy',
    match: { path: '/sync/*', fromMs: 2_000, untilMs: 2_600 },
    verdict: { type: 'status', status: 503 },
  });
  network.setLink('B', { latencyMs: 400 });
  for (const device of devices) {
    const life = new Incarnation(device, 0);
    void deviceLoop(network, scheduler, life, rng.fork(`device/${device}`), writes);
    if (device === 'C') {
      scheduler.at(1_500, 'kill C', () => {
        life.kill();
        void deviceLoop(network, scheduler, life.next(), rng.fork(`device/${device}/1`), writes);
      });
    }
  }
  scheduler.at(3_000, 'B offline', () => network.setOnline('B', false));
  scheduler.at(6_000, 'B online', () => network.setOnline('B', true));
  scheduler.at(4_000, 'A partitioned', () => network.partition('A', 'inbound'));
  scheduler.at(5_000, 'A repaired', () => network.repair('A'));
  const result = await scheduler.run({ eventsMax: 200_000 });
  trace.record('sim.end', { events: result.events, stoppedBy: result.stoppedBy, stats: network.stats() });
  return { hash: trace.hash(), trace, applied: server.applied };
}
