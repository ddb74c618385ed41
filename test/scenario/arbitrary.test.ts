/**
 * Goal: the fuzzer's arbitrary draws runs as data: a seed and the plan it stands for, the
 * same plan for the same seed, and every drawn plan is a valid scenario (so any of them
 * can be written as a repro). Method: sample the arbitrary with fixed fast-check seeds and
 * check each plan against the scenario schema and cross-checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planToScenario } from '../../src/scenario/convert.ts';
import { seededPlanArbitrary } from '../../src/scenario/fuzz.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { planForSeed } from '../../src/sim/seed-run.ts';

describe('seededPlanArbitrary', () => {
  const options = { profile: 'hostile' as const, devices: 3, opsPerDevice: 8 };

  it('draws a seed and the plan that seed stands for', () => {
    const samples = fc.sample(seededPlanArbitrary(options), { seed: 11, numRuns: 5 });
    expect(new Set(samples.map((sample) => sample.seed)).size).toBe(5);
    for (const { seed, plan } of samples) expect(plan).toEqual(planForSeed({ seed, ...options }));
    expect(fc.sample(seededPlanArbitrary(options), { seed: 11, numRuns: 5 })).toEqual(samples);
  });

  it('draws only plans that are valid scenarios, faults included', () => {
    let rules = 0;
    for (const { seed, plan } of fc.sample(seededPlanArbitrary(options), { seed: 3, numRuns: 20 })) {
      rules += plan.networkRules.length + plan.serverRules.length;
      const scenario = planToScenario(plan, { name: `seed-${seed}`, description: 'drawn', seed, client: 'reference' });
      expect(() => parseScenario(JSON.stringify(scenario), `seed-${seed}.json`)).not.toThrow();
    }
    expect(rules).toBeGreaterThan(0);
  });
});
