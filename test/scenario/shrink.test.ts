/**
 * Goal: the shrinker removes steps and fault rules together and lands on a small plan, and
 * every candidate it tries is a valid scenario. Method: a synthetic failure predicate (no
 * simulation) that needs one create, one update of that record, one kill and one network
 * rule, hidden in an 80-step, 3-device plan with noise; the result must be exactly those
 * four things, and each candidate must pass the scenario loader's cross-checks.
 */
import { describe, expect, it } from 'vitest';
import { planToScenario } from '../../src/scenario/convert.ts';
import { crossCheck } from '../../src/scenario/cross-check.ts';
import { renumberRefs, tidy, withoutAtoms } from '../../src/scenario/plan-edit.ts';
import { shrinkPlan } from '../../src/scenario/shrink.ts';
import type { Plan, Step } from '../../src/sim/plan.ts';

function noisyPlan(): Plan {
  const steps: Step[] = [];
  for (let i = 0; i < 80; i++) {
    const device = `d${(i % 3) + 1}`;
    if (i % 5 === 0)
      steps.push({ at: i * 100, do: 'create', device, collection: 'notes', ref: `r${i}`, fields: ['title', 'body'] });
    else if (i % 5 === 1)
      steps.push({
        at: i * 100,
        do: 'update',
        device,
        ref: `r${i - 1}`,
        ops: [
          { op: 'set', field: 'title' },
          { op: 'toggle', field: 'done' },
        ],
      });
    else if (i % 7 === 0) steps.push({ at: i * 100, do: 'kill', device, point: '*' });
    else steps.push({ at: i * 100, do: 'sync', device });
  }
  steps.push({ at: 100_000, do: 'heal' });
  return {
    devices: [{ id: 'd1' }, { id: 'd2' }, { id: 'd3', skewMs: 5 }],
    profile: 'hostile',
    steps,
    networkRules: [
      { match: { device: 'd2' }, verdict: { type: 'reset' } },
      { match: { path: '/changes', probability: 0.5 }, verdict: { type: 'drop-response' }, times: 1 },
    ],
    serverRules: [{ match: { route: 'op' }, fault: { type: '500' } }],
  };
}

/** "Fails" when r40 is updated, d1 is killed, and responses from /changes are dropped. */
function fails(plan: Plan): boolean {
  return (
    plan.steps.some((step) => step.do === 'update' && step.ref === 'r40') &&
    plan.steps.some((step) => step.do === 'kill' && step.device === 'd1') &&
    plan.networkRules.some((rule) => rule.verdict.type === 'drop-response')
  );
}

describe('shrinkPlan', () => {
  it('shrinks steps, rules, devices and noise together to what the failure needs', async () => {
    const candidates: Plan[] = [];
    const outcome = await shrinkPlan(noisyPlan(), {
      fails: async (plan) => {
        candidates.push(plan);
        return fails(plan);
      },
    });
    expect(outcome.reproduced).toBe(true);
    expect(outcome.stoppedEarly).toBe(false);
    const plan = outcome.plan;
    expect(plan.profile).toBe('calm');
    expect(plan.steps.map((step) => step.do).sort()).toEqual(['create', 'kill', 'update']);
    expect(plan.steps.find((step) => step.do === 'update')).toMatchObject({
      ref: 'r40',
      ops: [{ op: 'set', field: 'title' }],
    });
    expect(plan.steps.find((step) => step.do === 'kill')).not.toHaveProperty('point');
    expect(plan.networkRules).toEqual([{ match: { path: '/changes' }, verdict: { type: 'drop-response' }, times: 1 }]);
    expect(plan.serverRules).toEqual([]);
    expect(plan.devices.map((device) => device.id).sort()).toEqual(['d1', 'd2', 'd3']);
    expect(plan.devices.every((device) => device.skewMs === undefined)).toBe(true);
    expect(outcome.runs).toBeLessThan(200);
    for (const candidate of candidates) {
      const scenario = planToScenario(candidate, { name: 'c', description: 'c', seed: '1', client: 'reference' });
      expect(crossCheck(scenario)).toEqual([]);
    }
  });

  it('announces the next candidate ahead, without changing the result', async () => {
    const announced: string[] = [];
    const tried: string[] = [];
    const plain = await shrinkPlan(noisyPlan(), { fails: async (plan) => fails(plan) });
    const ahead = await shrinkPlan(noisyPlan(), {
      fails: async (plan) => {
        tried.push(JSON.stringify(plan));
        return fails(plan);
      },
      prefetch: (plan) => void announced.push(JSON.stringify(plan)),
    });
    expect(ahead.plan).toEqual(plain.plan);
    expect(ahead.runs).toBe(plain.runs);
    // Every candidate tried after the first of its stream was announced before it was tried.
    const announcedBefore = tried.filter((key, index) => announced.indexOf(key) >= 0 && index > 0);
    expect(announcedBefore.length).toBeGreaterThan(tried.length / 2);
  });

  it('tries a calmer profile once: after it did not fail, later streams skip it', async () => {
    const profiles: string[] = [];
    const outcome = await shrinkPlan(noisyPlan(), {
      fails: async (plan) => {
        profiles.push(plan.profile);
        return plan.profile === 'hostile' && fails(plan);
      },
    });
    expect(outcome.plan.profile).toBe('hostile');
    expect(outcome.plan.steps.map((step) => step.do).sort()).toEqual(['create', 'kill', 'update']);
    expect(outcome.shrinks).toBeGreaterThan(3);
    // The original, then calm and flaky once each in the first stream, never again.
    expect(profiles.slice(1, 3).sort()).toEqual(['calm', 'flaky']);
    expect(profiles.filter((profile) => profile !== 'hostile')).toHaveLength(2);
  });

  it('reports a plan that does not fail, and stops on its bounds', async () => {
    const none = await shrinkPlan(noisyPlan(), { fails: async () => false });
    expect(none).toMatchObject({ reproduced: false, runs: 1 });
    const bounded = await shrinkPlan(noisyPlan(), { fails: async (plan) => fails(plan), runsMax: 5 });
    expect(bounded).toMatchObject({ reproduced: true, runs: 5, stoppedEarly: true });
    expect(fails(bounded.plan)).toBe(true);
    let calls = 0;
    const expired = await shrinkPlan(noisyPlan(), { fails: async (plan) => fails(plan), expired: () => ++calls > 3 });
    expect(expired.stoppedEarly).toBe(true);
    expect(fails(expired.plan)).toBe(true);
  });
});

describe('plan edits', () => {
  it('removing a create removes the steps that use its record', () => {
    const plan = noisyPlan();
    const createIndex = plan.steps.findIndex((step) => step.do === 'create' && step.ref === 'r40');
    const edited = withoutAtoms(plan, [{ list: 'steps', index: createIndex }]);
    expect(edited.steps.some((step) => 'ref' in step && step.ref === 'r40')).toBe(false);
    expect(edited.steps).toHaveLength(plan.steps.length - 2);
  });

  it('tidy drops steps and rules of undeclared devices; renumberRefs names refs in creation order', () => {
    const plan = tidy({ ...noisyPlan(), devices: [{ id: 'd1' }] });
    expect(plan.steps.every((step) => !('device' in step) || step.device === 'd1')).toBe(true);
    expect(plan.networkRules.map((rule) => rule.match.device)).toEqual([undefined]);
    const renamed = renumberRefs(plan);
    const refs = renamed.steps.flatMap((step) => (step.do === 'create' ? [step.ref] : []));
    expect(refs).toEqual(refs.map((_, index) => `r${index + 1}`));
  });
});
