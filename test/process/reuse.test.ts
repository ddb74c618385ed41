// Goal: a reusable process client (one that declared `reusable`, like the TypeScript host)
// keeps one process per device across kills, restarts and seeds, and still makes the same
// runs as in process; a client that did not declare it gets a fresh process for every
// incarnation, as before. Method: two flaky seeds (kills between turns and at crash points)
// with the memory client hosted in a Node child, counting spawned and reused processes and
// comparing trace hashes with in-process runs; a kill and restart of the fake client.
import { describe, expect, it } from 'vitest';
import { client as memoryClient } from '../../examples/memory-client/index.ts';
import { closeIdleProcesses, createProcessClient, processPool } from '../../src/client/process/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { runSeed } from '../../src/sim/seed-run.ts';

describe('reusable process clients', () => {
  it('start one process per device for a whole campaign, with the same trace hashes as in process', async () => {
    closeIdleProcesses();
    const hosted = await createProcessClient(
      'node --import tsx src/client/process/host.ts ./examples/memory-client/index.ts',
    );
    const before = { ...processPool };
    let kills = 0;
    for (const seed of ['1', '2']) {
      const options = { seed, profile: 'flaky' as const, devices: 3, opsPerDevice: 10, keepTrace: true };
      const inProcess = await runSeed({ ...options, client: memoryClient });
      const asProcess = await runSeed({ ...options, client: hosted });
      expect(asProcess.traceHash).toBe(inProcess.traceHash);
      const deaths = (asProcess.trace ?? []).filter((event) => event.type === 'device.kill');
      kills += deaths.filter((event) => event.point !== 'end-of-run').length;
    }
    // Seed 2 kills devices at crash points (inside a turn) too; every incarnation reused the device's process.
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(processPool.spawned - before.spawned).toBe(3);
    expect(processPool.reused - before.reused).toBe(3 + kills);
    closeIdleProcesses();
  });

  it('give a client that did not declare `reusable` a new process for each incarnation', async () => {
    const fake = await createProcessClient('node test/process/fixtures/fake-client.mjs ok');
    const scenario = parseScenario(
      JSON.stringify({
        name: 'restart',
        description: 'One device is killed and restarted.',
        devices: [{ id: 'd1' }],
        profile: 'calm',
        steps: [
          { at: 100, do: 'create', device: 'd1', collection: 'notes', ref: 'n', fields: ['title'] },
          { at: 1_000, do: 'kill', device: 'd1' },
          { at: 2_000, do: 'restart', device: 'd1' },
          { at: 9_000, do: 'heal' },
        ],
        expect: { violations: [] },
      }),
      'restart.json',
    );
    const before = { ...processPool };
    await runScenario(scenario, fake, {});
    expect(processPool.spawned - before.spawned).toBe(2);
    expect(processPool.reused - before.reused).toBe(0);
  });
});
