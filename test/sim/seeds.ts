/** Seed ranges shared by the simulation tests. */
import { MUTANT_CAMPAIGN } from '../../src/client/mutants/index.ts';

export const REFERENCE_SEEDS_PER_PROFILE = Number(process.env.SYNCSTORM_TEST_SEEDS ?? 100);
export const MUTANT_SEEDS_MAX = MUTANT_CAMPAIGN.seeds;
