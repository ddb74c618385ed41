/**
 * Goal: a repro is a function of (version, client, seed, flags), not of the machine's speed:
 * shrinking the same failing seed with no clock at all and with a clock on which every run
 * looks a thousand times slower (a badly loaded machine) gives the same repro scenario, the
 * same trace hash, the same number of candidate runs and events. Method: makeRepro twice on
 * mutant:server-assigned-ids seed 1; only the injected clock differs. The bench script
 * `bench/shrink.ts --compare` shows the same with real CPU hogs.
 */
import { describe, expect, it } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import { findMutant } from '../../src/client/mutants/index.ts';
import { makeRepro } from '../../src/scenario/repro.ts';
import { planForSeed } from '../../src/sim/seed-run.ts';

useFastScratch();

/** A hang guard: two shrinks in child processes on a busy 2-core machine. */
const TIMEOUT_MS = 1_800_000;

describe('a repro does not depend on the machine', () => {
  it(
    'the same seed shrinks to the same repro with a fast and a thousand-times-slower clock',
    async () => {
      const mutant = findMutant('server-assigned-ids');
      if (mutant === undefined) throw new Error('no mutant server-assigned-ids');
      const draw = { profile: 'flaky' as const, devices: 3, opsPerDevice: 10 };
      const options = {
        seed: '1',
        plan: planForSeed({ seed: '1', ...draw }),
        draw,
        clientSpec: `mutant:${mutant.name}`,
        clientName: mutant.client.name,
        invariant: mutant.invariant,
      };
      const fast = await makeRepro(options);
      let slowMs = 0;
      // Every read of the clock moves it one second: each run looks like it took seconds.
      const slow = await makeRepro({ ...options, now: () => (slowMs += 1_000), timeLimitMs: 10_000_000 });
      expect(fast.reproduced).toBe(true);
      expect(fast.stoppedBy).toBeUndefined();
      expect(fast.stepsAfter).toBeLessThanOrEqual(12);
      expect(slow.scenario).toEqual(fast.scenario);
      expect(slow.result.traceHash).toBe(fast.result.traceHash);
      expect([slow.shrinkRuns, slow.shrinkEvents]).toEqual([fast.shrinkRuns, fast.shrinkEvents]);
      expect(slow.stoppedBy).toBeUndefined();
    },
    TIMEOUT_MS,
  );
});
