// Goal: the process protocol carries everything a client's env gives it, faithfully: the
// same TypeScript client run in process and as a child process (hosted by
// src/client/process/host.ts) makes the same run, byte for byte. Method: one drawn seed
// with kills and faults, both ways; compare trace hashes and exchange counts.
import { describe, expect, it } from 'vitest';
import { client as memoryClient } from '../../examples/memory-client/index.ts';
import { createProcessClient, processTraffic } from '../../src/client/process/index.ts';
import { runSeed } from '../../src/sim/seed-run.ts';

describe('a TypeScript client hosted as a process client', () => {
  it('makes the same run as in process (same trace hash)', async () => {
    const hosted = await createProcessClient(
      'node --import tsx src/client/process/host.ts ./examples/memory-client/index.ts',
    );
    expect(hosted.name).toBe('memory-client');
    expect(hosted.storage).toBe('file');
    const options = { seed: '3', profile: 'hostile' as const, devices: 3, opsPerDevice: 10 };
    const inProcess = await runSeed({ ...options, client: memoryClient });
    const asProcess = await runSeed({ ...options, client: hosted });
    expect(inProcess.stats.exchanges).toBeGreaterThan(20);
    expect(asProcess.stats.exchanges).toBe(inProcess.stats.exchanges);
    expect(asProcess.traceHash).toBe(inProcess.traceHash);
  });
});

describe('crash point hints and draws given ahead', () => {
  it('a hosted child asks about a crash point only where one is armed, and the run stays the same', async () => {
    // Before the hints it asked at every crash point it passed (about one per exchange), and
    // each random draw or id was a round trip of its own: the trace must not tell the difference.
    const hosted = await createProcessClient(
      'node --import tsx src/client/process/host.ts ./examples/memory-client/index.ts',
    );
    const names = new Set(memoryClient.crashPoints);
    let crashPointKills = 0;
    let exchanges = 0;
    const before = { ...processTraffic };
    for (const seed of ['3', '5', '8']) {
      const options = { seed, profile: 'hostile' as const, devices: 3, opsPerDevice: 10, keepTrace: true };
      const inProcess = await runSeed({ ...options, client: memoryClient });
      const asProcess = await runSeed({ ...options, client: hosted });
      expect(asProcess.traceHash).toBe(inProcess.traceHash);
      exchanges += asProcess.stats.exchanges;
      for (const event of asProcess.trace ?? []) {
        if (event.type === 'device.kill' && names.has(String(event.point))) crashPointKills++;
      }
    }
    expect(crashPointKills).toBeGreaterThan(0);
    // Every query at an armed point kills there: as many queries as crash-point kills.
    expect(processTraffic.crashPointQueries - before.crashPointQueries).toBe(crashPointKills);
    expect(exchanges).toBeGreaterThan(100);
  });
});

describe('view reads in one turn', () => {
  it('a hosted child reads a view in one turn, and one that cannot finish it in the turn gets the rest one by one: same runs', async () => {
    // The simulator reads a device's view with list() per collection, pendingCount() and
    // conflicts(): one `calls` turn instead of four. The slow client's first list() waits
    // for a timer, so the host stops there (`notRun`) and the simulator makes the other
    // calls once it settled, as it would have one per turn: the traces must not differ.
    const { client: slowListClient } = await import('./fixtures/slow-list-client.ts');
    const hosted = await createProcessClient(
      'node --import tsx src/client/process/host.ts ./examples/memory-client/index.ts',
    );
    const slowHosted = await createProcessClient(
      'node --import tsx src/client/process/host.ts ./test/process/fixtures/slow-list-client.ts',
    );
    const options = { seed: '4', profile: 'flaky' as const, devices: 3, opsPerDevice: 10 };
    const before = { ...processTraffic };
    const asProcess = await runSeed({ ...options, client: hosted });
    const turns = processTraffic.turns - before.turns;
    expect(asProcess.traceHash).toBe((await runSeed({ ...options, client: memoryClient })).traceHash);
    const slowBefore = { ...processTraffic };
    const slowAsProcess = await runSeed({ ...options, client: slowHosted });
    const slowTurns = processTraffic.turns - slowBefore.turns;
    expect(slowAsProcess.traceHash).toBe((await runSeed({ ...options, client: slowListClient })).traceHash);
    // The slow one needs a timer turn and three more call turns per view read.
    expect(slowTurns).toBeGreaterThan(turns * 1.5);
  });
});
