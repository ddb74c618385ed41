/**
 * Goal: the reference client keeps every promise on every seed of every profile (no false
 * alarms). Method: a campaign of drawn seeds per profile through child-process workers;
 * assert no run failed, and print the first failure's seed and violation if one did.
 */
import { describe, expect, test } from 'vitest';
import { runCampaign } from '../../src/sim/campaign.ts';
import type { ProfileName } from '../../src/sim/plan.ts';
import { REFERENCE_SEEDS_PER_PROFILE } from './seeds.ts';

const PROFILES: ProfileName[] = ['calm', 'flaky', 'hostile'];

describe('reference client', () => {
  test.each(PROFILES)(
    'passes every checker on %s seeds',
    async (profile) => {
      const results = await runCampaign({
        clientSpec: 'reference',
        seeds: REFERENCE_SEEDS_PER_PROFILE,
        seedStart: 1,
        profile,
        devices: 3,
        opsPerDevice: 30,
        workers: 2,
      });
      expect(results).toHaveLength(REFERENCE_SEEDS_PER_PROFILE);
      const failures = results
        .filter((result) => !result.passed)
        .map(
          (result) =>
            `seed ${result.seed}: ${result.violations.map((violation) => `${violation.invariant}: ${violation.message}`).join(' | ')}`,
        );
      expect(failures).toEqual([]);
    },
    600_000,
  );
});
