/**
 * Goal: the fuzzer has users settle conflicts while faults are on, and the op that carries
 * a user's choice can bounce (issue 21: a restore that bounces was never drawn). Method:
 * draw plans per profile and check the review moments and their one-shot bounces; run one
 * drawn seed of mutant restore-dropped-on-bounce with and without those bounces.
 */
import { describe, expect, test } from 'vitest';
import { findMutant } from '../../src/client/mutants/index.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { generatePlan } from '../../src/sim/generate.ts';
import type { Plan, ProfileName } from '../../src/sim/plan.ts';
import { planForSeed } from '../../src/sim/seed-run.ts';
import { runSimulation } from '../../src/sim/simulation.ts';

const BOUNCE_WINDOW_MS_MAX = 20_000;

function bouncesOf(plan: Plan) {
  return plan.serverRules.filter((rule) => rule.id?.startsWith('review-'));
}

function draw(profile: ProfileName): Plan {
  return generatePlan(new Rng('5'), { devices: 3, opsPerDevice: 30, profile });
}

describe('review moments', () => {
  test('calm draws review moments (resolve steps beyond the workload) but no bounces', () => {
    const plan = draw('calm');
    for (const device of ['d1', 'd2', 'd3'])
      expect(plan.steps.filter((step) => step.do === 'resolve' && step.device === device).length).toBeGreaterThan(0);
    expect(bouncesOf(plan)).toEqual([]);
  });

  test.each(['flaky', 'hostile', 'apps'] as const)(
    '%s bounces the next request after some reviews, once, on the reviewing device',
    (profile) => {
      const plan = draw(profile);
      const bounces = bouncesOf(plan);
      expect(bounces.length).toBeGreaterThan(0);
      for (const rule of bounces) {
        const { device, fromMs, untilMs } = rule.match;
        expect(rule.times).toBe(1);
        expect(['spurious-409', '503', '429']).toContain(rule.fault.type);
        const review = plan.steps.find(
          (step) => step.do === 'resolve' && 'device' in step && step.device === device && step.at === fromMs,
        );
        expect(review).toBeDefined();
        expect((untilMs ?? 0) - (fromMs ?? 0)).toBeLessThanOrEqual(BOUNCE_WINDOW_MS_MAX);
        expect(untilMs ?? 0).toBeGreaterThan(fromMs ?? 0);
      }
    },
  );
});

describe('restore-dropped-on-bounce under the fuzzer', () => {
  test('flaky seed 14 (3 devices x 30 ops) catches it through a review bounce, and not without the bounces', async () => {
    const client = findMutant('restore-dropped-on-bounce')?.factory;
    if (client === undefined) throw new Error('mutant restore-dropped-on-bounce is missing');
    const plan = planForSeed({ seed: '14', profile: 'flaky', devices: 3, opsPerDevice: 30 });
    const drawn = await runSimulation({ seed: '14', plan, client });
    expect(drawn.violations.map((violation) => violation.invariant)).toContain('resolutions-honoured');
    const calmer = { ...plan, serverRules: plan.serverRules.filter((rule) => !bouncesOf(plan).includes(rule)) };
    const without = await runSimulation({ seed: '14', plan: calmer, client });
    expect(without.violations.map((violation) => violation.invariant)).not.toContain('resolutions-honoured');
  }, 120_000);
});
