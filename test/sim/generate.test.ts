/**
 * Goal: a drawn plan depends only on the seed, and each device's behaviour only on its own
 * stream. Method: draw plans with 3 and 4 devices from one seed and compare d1..d3's steps;
 * draw twice and compare; check the plan survives a JSON round trip unchanged.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/kernel/rng.ts';
import { generatePlan } from '../../src/sim/generate.ts';
import type { Plan } from '../../src/sim/plan.ts';

function stepsOf(plan: Plan, device: string) {
  return plan.steps.filter(
    (step) => 'device' in step && step.device === device && step.do !== 'update' && step.do !== 'delete',
  );
}

describe('generatePlan', () => {
  test('same seed, same plan; JSON round trip is lossless', () => {
    const first = generatePlan(new Rng('7'), { devices: 3, opsPerDevice: 50, profile: 'flaky' });
    const second = generatePlan(new Rng('7'), { devices: 3, opsPerDevice: 50, profile: 'flaky' });
    expect(second).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    expect(generatePlan(new Rng('8'), { devices: 3, opsPerDevice: 50, profile: 'flaky' })).not.toEqual(first);
  });

  test('adding a device does not change what the others do', () => {
    const three = generatePlan(new Rng('11'), { devices: 3, opsPerDevice: 40, profile: 'hostile' });
    const four = generatePlan(new Rng('11'), { devices: 4, opsPerDevice: 40, profile: 'hostile' });
    for (const device of ['d1', 'd2', 'd3']) expect(stepsOf(four, device)).toEqual(stepsOf(three, device));
    expect(stepsOf(four, 'd4').length).toBeGreaterThan(0);
  });

  test('calm draws no faults; hostile draws kills, offline spells and server faults', () => {
    const calm = generatePlan(new Rng('3'), { devices: 3, opsPerDevice: 30, profile: 'calm' });
    expect(calm.steps.filter((step) => ['kill', 'offline', 'partition'].includes(step.do))).toHaveLength(0);
    expect(calm.serverRules).toHaveLength(0);
    const hostile = generatePlan(new Rng('3'), { devices: 3, opsPerDevice: 30, profile: 'hostile' });
    expect(hostile.steps.some((step) => step.do === 'kill')).toBe(true);
    expect(hostile.steps.some((step) => step.do === 'offline')).toBe(true);
    expect(hostile.serverRules.length).toBeGreaterThan(0);
  });

  test('updates and deletes only name records created earlier in the plan', () => {
    const plan = generatePlan(new Rng('5'), { devices: 3, opsPerDevice: 60, profile: 'flaky' });
    const created = new Set<string>();
    for (const step of plan.steps) {
      if (step.do === 'create') created.add(step.ref);
      if (step.do === 'update' || step.do === 'delete') expect(created.has(step.ref)).toBe(true);
    }
  });
});
