/**
 * Goal: the checkers have teeth. Every mutant of the catalogue is caught by the invariant
 * it declares, on its profile (flaky, or apps for a bug of several app instances), within a
 * fixed range of 200 seeds. Method:
 * a campaign per mutant that stops at the first seed showing the declared invariant.
 */
import { describe, expect, test } from 'vitest';
import { MUTANT_CAMPAIGN, MUTANTS } from '../../src/client/mutants/index.ts';
import { runCampaign } from '../../src/sim/campaign.ts';
import { MUTANT_SEEDS_MAX } from './seeds.ts';

describe('mutant catalogue', () => {
  test.each(MUTANTS.map((mutant) => [mutant.name, mutant.invariant, mutant.profile ?? 'flaky'] as const))(
    '%s is caught as %s (profile %s)',
    async (name, invariant, profile) => {
      let caughtAt: string | undefined;
      const results = await runCampaign({
        clientSpec: `mutant:${name}`,
        seeds: MUTANT_SEEDS_MAX,
        seedStart: MUTANT_CAMPAIGN.seedStart,
        profile: profile as 'flaky',
        devices: MUTANT_CAMPAIGN.devices,
        opsPerDevice: MUTANT_CAMPAIGN.opsPerDevice,
        workers: 2,
        stopWhen: (result) => result.violations.some((violation) => violation.invariant === invariant),
        onResult: (result) => {
          if (caughtAt === undefined && result.violations.some((violation) => violation.invariant === invariant))
            caughtAt = result.seed;
        },
      });
      const seen = [...new Set(results.flatMap((result) => result.violations.map((violation) => violation.invariant)))];
      expect({ caught: caughtAt !== undefined, invariants: seen }).toMatchObject({ caught: true });
    },
    600_000,
  );
});
