/**
 * Goal: the way syncstorm changes toxics cannot hit Toxiproxy 2.12's delete-then-add panic
 * (see docs/real-network.md): across several cycles of every schedule, healed between
 * cycles, a toxic is deleted only while it is the last of its stream's chain (otherwise its
 * slot is set to toxicity 0 and reused), and the number of toxics stays small. Serve's cycle player leaves toxics of
 * other names alone, prints a refused action as it happens, and re-creates a proxy that
 * disappeared, with its slots.
 * Method: ProxyLink against the embedded proxy, recording every admin call; schedule actions
 * applied in order without waiting for their times; the cycle player with short cycles,
 * bounded by counts of cycles and of looks, not by elapsed milliseconds.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Rng } from '../../src/kernel/rng.ts';
import { Trace } from '../../src/kernel/trace.ts';
import type { AdminCall } from '../../src/realnet/chaos/admin-client.ts';
import { CyclePlayer } from '../../src/realnet/chaos/cycle-player.ts';
import { findSchedule, planSchedule, SCHEDULES } from '../../src/realnet/chaos/schedules.ts';
import { ProxyLink } from '../../src/realnet/chaos/toxiproxy-link.ts';
import { type ChaosProxyServer, startChaosProxy } from '../../src/realnet/proxy/index.ts';

let proxy: ChaosProxyServer;

beforeEach(async () => {
  proxy = await startChaosProxy({ seed: 'slots' });
});

afterEach(async () => {
  await proxy.close();
});

async function open(name: string, calls: AdminCall[] = []): Promise<ProxyLink> {
  return ProxyLink.open({
    adminUrl: proxy.url,
    name,
    listen: '127.0.0.1:0',
    upstream: '127.0.0.1:9',
    onCall: (call) => calls.push(call),
  });
}

test.each(SCHEDULES.map((schedule) => schedule.name))(
  '%s: three healed cycles delete a toxic only when it is the last of its stream',
  async (name) => {
    const calls: AdminCall[] = [];
    const notLast: string[] = [];
    const link = await open(name, calls);
    const chain = () => proxy.registry.get(name).toxics.all();
    // Told of each call before it is sent: the chain is as the proxy has it then.
    const check = (call: AdminCall) => {
      const match = /\/toxics\/([^/]+)$/.exec(call.path);
      if (call.method !== 'DELETE' || match === null) return;
      const toxic = chain().find((entry) => entry.json.name === decodeURIComponent(match[1] as string));
      const last = chain()
        .filter((entry) => entry.json.stream === toxic?.json.stream)
        .at(-1);
      if (toxic === undefined || last !== toxic) notLast.push(call.path);
    };
    calls.push = (...added: AdminCall[]) => {
      for (const call of added) check(call);
      return Array.prototype.push.apply(calls, added);
    };
    for (let cycle = 0; cycle < 3; cycle++) {
      const actions = planSchedule(findSchedule(name), new Rng('slots').fork(`cycle-${cycle}`), 30_000);
      for (const action of actions) await link.apply(action);
      await link.heal();
    }
    expect(notLast).toEqual([]);
    // Healed: what is left passes traffic through (toxicity 0), and stays few.
    expect(chain().length).toBeLessThanOrEqual(6);
    expect(chain().filter((toxic) => toxic.json.toxicity !== 0)).toEqual([]);
  },
);

test('a freed slot is turned off and reused whole; a freed reset_peer that is last is deleted', async () => {
  const link = await open('reuse');
  const toxic = { type: 'latency', stream: 'downstream', toxicity: 1 } as const;
  await link.apply({ atMs: 0, do: 'add', toxic: { ...toxic, name: 'a', attributes: { latency: 100, jitter: 50 } } });
  const close = {
    name: 'close',
    type: 'reset_peer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 1 },
  } as const;
  await link.apply({ atMs: 0, do: 'add', toxic: close });
  await link.apply({ atMs: 0, do: 'remove', name: 'a' });
  const chain = () => proxy.registry.get('reuse').toxics.all();
  expect(chain().map((entry) => [entry.json.name, entry.json.toxicity])).toEqual([
    ['syncstorm-latency-downstream-1', 0],
    ['syncstorm-reset_peer-downstream-1', 1],
  ]);
  await link.apply({ atMs: 0, do: 'add', toxic: { ...toxic, name: 'b', attributes: { latency: 7 } } });
  expect(chain()[0]?.json).toMatchObject({
    name: 'syncstorm-latency-downstream-1',
    toxicity: 1,
    attributes: { latency: 7, jitter: 0 },
  });
  // Freed while last, a reset_peer is deleted (off, it would still give new connections
  // linger 0); the latency before it stays, at toxicity 0, for the next spell.
  await link.apply({ atMs: 0, do: 'remove', name: 'b' });
  await link.apply({ atMs: 0, do: 'remove', name: 'close' });
  expect(chain().map((entry) => [entry.json.name, entry.json.toxicity])).toEqual([
    ['syncstorm-latency-downstream-1', 0],
  ]);
});

test('the cycle player heals only its own toxics, prints a refused action, and re-creates a deleted proxy', async () => {
  const link = await open('served');
  const chain = () => proxy.registry.get('served').toxics;
  chain().add({ name: 'by-hand', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1 } });
  const lines: string[] = [];
  const player = new CyclePlayer({
    link,
    schedule: findSchedule('flaky-3g'),
    seed: 'served',
    cycleMs: 400,
    trace: new Trace({ now: () => 0 }),
    log: (line) => lines.push(line),
    watchMs: 60_000,
  });
  player.start();
  const waitFor = async (done: () => boolean) => {
    for (let look = 0; look < 300 && !done(); look++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done()).toBe(true);
  };
  await waitFor(() => player.cycles >= 3);
  expect(chain().get('by-hand').json.toxicity).toBe(1);
  await proxy.registry.remove('served');
  await waitFor(() => lines.some((line) => /re-created/.test(line)));
  expect(lines.some((line) => /failed: .*404.*proxy not found/.test(line))).toBe(true);
  await player.stop();
  // Re-created, and healed at the stop: what is left of syncstorm's passes traffic through.
  for (const toxic of chain().all()) {
    expect(toxic.json.name.startsWith('syncstorm-')).toBe(true);
    expect(toxic.json.toxicity).toBe(0);
  }
});

test("the last heal of a chaos run deletes only syncstorm's toxics and refuses changes after it", async () => {
  const link = await open('last');
  const chain = () => proxy.registry.get('last').toxics;
  chain().add({ name: 'by-hand', type: 'latency', stream: 'upstream', attributes: { latency: 1 } });
  const toxic = { name: 'a', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } } as const;
  await link.apply({ atMs: 0, do: 'add', toxic });
  await link.healForGood();
  expect(
    chain()
      .all()
      .map((entry) => entry.json.name),
  ).toEqual(['by-hand']);
  await expect(link.apply({ atMs: 0, do: 'add', toxic })).rejects.toThrow(/healed for good/);
});
