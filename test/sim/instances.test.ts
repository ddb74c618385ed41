/**
 * Goal: several instances of one app on one device's storage behave as real ones do, and
 * the reference client handles them. Method: the locks and the shared-handle guard on
 * their own; then whole runs of small plans (memory and file storage) asserting what the
 * trace shows: each instance's final view, one sync run at a time, which kill kills what,
 * and no second instance for a client that does not declare the capability.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import type { ClientFactory } from '../../src/client/contract.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { DeviceLocks } from '../../src/sim/instance-locks.ts';
import type { Plan, Step } from '../../src/sim/plan.ts';
import { guardHandle } from '../../src/sim/shared-handle.ts';
import { runSimulation } from '../../src/sim/simulation.ts';

useFastScratch();

describe('DeviceLocks', () => {
  it('gives a lock to one live instance at a time and frees it when its holder dies', () => {
    const locks = new DeviceLocks();
    const [first, second] = [new Incarnation('d', 0), new Incarnation('d', 0)];
    expect(locks.for(first).tryAcquire('sync')).toBe(true);
    expect(locks.for(first).tryAcquire('sync')).toBe(true);
    expect(locks.for(second).tryAcquire('sync')).toBe(false);
    locks.for(second).release('sync');
    expect(locks.holder('sync')).toBe(first);
    first.kill();
    expect(locks.for(second).tryAcquire('sync')).toBe(true);
    locks.for(second).release('sync');
    expect(locks.holder('sync')).toBeUndefined();
    expect(locks.for(first).tryAcquire('sync')).toBe(false);
  });
});

describe('guardHandle', () => {
  it('shares the connection while the instance lives and throws as a closed handle after', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT)');
    const owner = new Incarnation('d', 0);
    const guarded = guardHandle(db, owner);
    const insert = guarded.prepare('INSERT INTO t VALUES (?)');
    guarded.transaction((value: string) => insert.run(value))('a');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    expect(guarded.open).toBe(true);
    owner.kill();
    expect(guarded.open).toBe(false);
    expect(() => insert.run('b')).toThrow('The database connection is not open');
    expect(() => guarded.exec('DELETE FROM t')).toThrow('The database connection is not open');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    db.close();
  });
});

const note = (at: number, instance?: number): Step => ({
  at,
  do: 'update',
  device: 'phone',
  ref: 'note',
  ops: [{ op: 'set', field: 'title' }],
  ...(instance === undefined ? {} : { instance }),
});

function plan(steps: Step[]): Plan {
  const base: Step[] = [
    { at: 0, do: 'create', device: 'phone', collection: 'notes', ref: 'note', fields: ['title'] },
    { at: 1_000, do: 'open-instance', device: 'phone', instance: 2 },
  ];
  return {
    devices: [{ id: 'phone' }, { id: 'laptop' }],
    profile: 'calm',
    steps: [...base, ...steps, { at: 120_000, do: 'heal' }],
    networkRules: [
      // The first tab's edit waits for its answer: the second tab's edit comes meanwhile.
      {
        match: { device: 'phone', method: 'POST', path: '/sync/ops', nth: 2 },
        verdict: { type: 'delay', ms: 10_000, leg: 'response' },
      },
    ],
    serverRules: [],
  };
}

async function run(steps: Step[], options: { client?: ClientFactory; storage?: 'memory' | 'file' } = {}) {
  const result = await runSimulation({
    seed: '7',
    plan: plan(steps),
    client: options.client ?? createReferenceClient(),
    keepTrace: true,
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const trace = result.trace ?? [];
  const final = trace.find((event) => event.type === 'sim.final') as { devices: Record<string, unknown> } | undefined;
  return { result, trace, devices: Object.keys(final?.devices ?? {}).sort() };
}

describe('instances of the reference client', () => {
  for (const storage of ['memory', 'file'] as const) {
    it(`converge on one storage, one sync run at a time (${storage})`, async () => {
      const { result, trace, devices } = await run([note(5_000), note(6_000, 2)], { storage });
      expect(result.violations).toEqual([]);
      expect(result.passed).toBe(true);
      expect(devices).toEqual(['laptop', 'phone', 'phone#2']);
      const skipped = trace.filter(
        (event) => event.type === 'client.sync-skipped' && event.result === 'other-instance',
      );
      expect(skipped.length).toBeGreaterThan(0);
      expect(skipped.every((event) => event.device === 'phone#2')).toBe(true);
      const start = trace.find((event) => event.type === 'device.start' && event.device === 'phone#2');
      expect(start).toMatchObject({ of: 'phone', instance: 2 });
    });
  }

  it('kills one instance, or the whole device with every instance', async () => {
    const { result, trace, devices } = await run([
      { at: 3_000, do: 'kill', device: 'phone', instance: 2 },
      { at: 4_000, do: 'update', device: 'phone', instance: 2, ref: 'note', ops: [{ op: 'set', field: 'title' }] },
      { at: 5_000, do: 'open-instance', device: 'phone', instance: 2 },
      { at: 20_000, do: 'kill', device: 'phone' },
      { at: 30_000, do: 'restart', device: 'phone' },
    ]);
    expect(result.passed).toBe(true);
    const kills = trace.filter((event) => event.type === 'device.kill').map((event) => `${event.device}@${event.t}`);
    expect(kills).toEqual(['phone#2@3000', 'phone#2@20000', 'phone@20000']);
    const skip = trace.find((event) => event.type === 'user.skip' && event.device === 'phone#2');
    expect(skip).toMatchObject({ reason: 'instance 2 is not open' });
    expect(devices).toEqual(['laptop', 'phone']);
  });

  it('opens no second instance for a client that does not declare capabilities.instances', async () => {
    const single: ClientFactory = { ...createReferenceClient(), capabilities: {} };
    const { result, trace, devices } = await run([note(5_000), note(6_000, 2)], { client: single });
    expect(result.passed).toBe(true);
    expect(devices).toEqual(['laptop', 'phone']);
    const reasons = trace.filter((event) => event.type === 'user.skip').map((event) => event.reason);
    expect(reasons).toEqual(['the client does not declare capabilities.instances', 'instance 2 is not open']);
  });
});
