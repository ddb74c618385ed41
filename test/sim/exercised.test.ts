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
      const expected: Record<string, number> = {};
      for (const event of trace) {
        const kind =
          event.type === 'net.fault'
            ? String(event.fault)
            : event.type === 'server.fault'
              ? `server ${String(event.effect)}`
              : undefined;
        if (kind !== undefined) expected[kind] = (expected[kind] ?? 0) + 1;
      }
      expect(result.faults ?? {}).toEqual(expected);
      expect(result.stats.kills).toBe(trace.filter((event) => event.type === 'device.kill').length);
      faultsTotal += Object.values(expected).reduce((sum, count) => sum + count, 0);
      killsTotal += result.stats.kills;
    }
    expect(faultsTotal).toBeGreaterThan(0);
    expect(killsTotal).toBeGreaterThan(0);
  });
});
