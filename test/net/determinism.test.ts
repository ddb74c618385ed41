// Goal: a network run is a pure function of its seed, and per-device streams keep devices
// independent. Method: run the scripted scenario of test/determinism twice with one seed
// (identical hash and trace), with another seed (different), and with an extra device
// (the first device's link draws are unchanged).
import { describe, expect, test } from 'vitest';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { runNetworkScenario } from '../determinism/network-scenario.ts';
import { netHarness } from './harness.ts';

describe('network determinism', () => {
  test('the same seed gives an identical trace; another seed a different one', async () => {
    const first = await runNetworkScenario({ seed: 'alpha' });
    const second = await runNetworkScenario({ seed: 'alpha' });
    const other = await runNetworkScenario({ seed: 'beta' });
    expect(second.trace.toJsonLines()).toBe(first.trace.toJsonLines());
    expect(second.hash).toBe(first.hash);
    expect(other.hash).not.toBe(first.hash);
    // The scenario really exercises the faults it claims to.
    const faults = new Set(
      first.trace
        .events()
        .filter((event) => event.type === 'net.fault')
        .map((event) => event.fault),
    );
    for (const fault of ['drop-request', 'drop-response', 'duplicate', 'reset', 'reorder', 'status', 'offline']) {
      expect(faults, fault).toContain(fault);
    }
    expect(first.applied).toBeGreaterThan(20);
  });

  test('adding a device does not change the link draws of another', async () => {
    async function timesOfA(devices: string[]): Promise<number[]> {
      const h = netHarness({ seed: 'fork', link: { latencyMs: 50, jitterMs: 40 } });
      const fetches = devices.map((device) => h.network.fetchFor(new Incarnation(device, 0)));
      const outcomes = [];
      for (let round = 0; round < 10; round++) {
        for (const fetchOfDevice of fetches)
          outcomes.push({ device: fetches.indexOf(fetchOfDevice), outcome: h.observe(fetchOfDevice(h.url('/x'))) });
      }
      await h.run();
      return outcomes.filter((entry) => entry.device === 0).map((entry) => entry.outcome.atMs!);
    }
    const alone = await timesOfA(['A']);
    expect(new Set(alone).size).toBeGreaterThan(3);
    expect(await timesOfA(['A', 'B', 'C'])).toEqual(alone);
  });
});
