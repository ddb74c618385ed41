/**
 * Goal: campaign workers stay warm between campaigns without giving up isolation or
 * determinism: a second campaign runs in the same worker processes and gets the same
 * results; a client that kills its worker is still reported, and the next campaign (of
 * another client) gets a fresh worker and passes.
 * Method: three small campaigns in a row through runCampaign, comparing worker process ids
 * (sim/campaign-pool's idle list) and trace hashes. Nothing is timed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/sim/campaign.ts';
import { closeIdleWorkers, idleWorkerPids } from '../../src/sim/campaign-pool.ts';

afterAll(() => closeIdleWorkers());

const TIMEOUT_MS = 900_000; // a hang guard (issue 19)
const small = { seeds: 2, seedStart: 1, profile: 'flaky', devices: 2, opsPerDevice: 5, workers: 1 } as const;

describe('warm campaign workers', () => {
  it(
    'reuses the worker of the last campaign, with the same results',
    async () => {
      const first = await runCampaign({ clientSpec: 'reference', ...small });
      const pidsAfterFirst = idleWorkerPids();
      expect(pidsAfterFirst).toHaveLength(1);
      const second = await runCampaign({ clientSpec: 'reference', ...small });
      expect(idleWorkerPids()).toEqual(pidsAfterFirst);
      expect(second.map((result) => result.traceHash)).toEqual(first.map((result) => result.traceHash));
      expect(second.every((result) => result.passed)).toBe(true);
    },
    TIMEOUT_MS,
  );

  it(
    'reports a client that ends its worker, and the next campaign runs in a fresh one',
    async () => {
      const before = idleWorkerPids();
      const dead = await runCampaign({ clientSpec: 'test/sim/fixtures/exit-on-start-client.ts', ...small });
      expect(dead).toHaveLength(2);
      for (const result of dead) {
        expect(result.passed).toBe(false);
        expect(result.violations.map((violation) => violation.invariant)).toContain('client-exited');
      }
      const after = await runCampaign({ clientSpec: 'reference', ...small });
      expect(after.every((result) => result.passed)).toBe(true);
      expect(idleWorkerPids()).toHaveLength(1);
      expect(idleWorkerPids()).not.toEqual(before);
    },
    TIMEOUT_MS,
  );
});
