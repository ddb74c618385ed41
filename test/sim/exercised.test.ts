/**
 * Goal: a run's result says what it was exercised against (issue 16): fault injections per
 * kind and device kills, as the report's "What was exercised" shows them.
 * Method: hostile seeds of the reference client with the trace kept; the counts must equal
 * the trace's own `net.fault`, `server.fault` and `device.kill` events, and be non-zero
 * over the seeds (the hostile profile draws faults and kills).
 */
import { describe, expect, it } from 'vitest';
import { referenceClient } from '../../src/client/index.ts';
import { runSeed } from '../../src/sim/index.ts';

describe('what a run exercised', () => {
  it('counts faults per kind and kills exactly as the trace records them', async () => {
    let faultsTotal = 0;
    let killsTotal = 0;
    for (const seed of ['1', '2', '3']) {
      const result = await runSeed({
        seed,
        client: referenceClient,
        profile: 'hostile',
        devices: 3,
        opsPerDevice: 10,
        keepTrace: true,
      });
      const trace = result.trace ?? [];
      // Read independently of exercisedBy: the totals per trace event type, and one kind by name.
      const netFaults = trace.filter((event) => event.type === 'net.fault');
      const serverFaults = trace.filter((event) => event.type === 'server.fault').length;
      const counted = Object.entries(result.faults ?? {});
      const sum = (entries: [string, number][]) => entries.reduce((total, [, count]) => total + count, 0);
      expect(sum(counted.filter(([kind]) => kind.startsWith('server ')))).toBe(serverFaults);
      expect(sum(counted.filter(([kind]) => !kind.startsWith('server ')))).toBe(netFaults.length);
      const first = netFaults[0];
      if (first !== undefined) {
        const same = netFaults.filter((event) => event.fault === first.fault).length;
        expect(result.faults?.[String(first.fault)]).toBe(same);
      }
      expect(result.stats.kills).toBe(trace.filter((event) => event.type === 'device.kill').length);
      faultsTotal += netFaults.length + serverFaults;
      killsTotal += result.stats.kills;
    }
    expect(faultsTotal).toBeGreaterThan(0);
    expect(killsTotal).toBeGreaterThan(0);
  });
});
