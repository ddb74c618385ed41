/**
 * Goal: the fuzz profile `partial` draws subscription changes that matter, the reference
 * client passes its seeds with them, and a client that does not declare
 * `capabilities.subscriptions` is never called with one (the steps are skipped) and gets no
 * false alarm. Method: a few drawn seeds of `partial`, run in-process with the reference
 * client and with the same client minus the capability; assertions on verdicts and traces.
 */
import { describe, expect, it } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import type { ClientFactory } from '../../src/client/contract.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { planForSeed, runSeed } from '../../src/sim/seed-run.ts';

useFastScratch();

const reference = createReferenceClient();
const unaware: ClientFactory = { ...reference, name: 'unaware', capabilities: { instances: true } };
const SEEDS = ['3', '4', '5'];
const draw = { profile: 'partial' as const, devices: 3, opsPerDevice: 10 };

describe('profile partial', () => {
  it('draws subscribe steps over the done flag and the collections', () => {
    const steps = SEEDS.flatMap((seed) => planForSeed({ seed, ...draw }).steps);
    const subscriptions = steps.flatMap((step) => (step.do === 'subscribe' ? [JSON.stringify(step.subscription)] : []));
    expect(subscriptions.length).toBeGreaterThan(3);
    expect(subscriptions.some((text) => text.includes('"field":"done"'))).toBe(true);
    expect(steps.some((step) => step.do === 'open-instance')).toBe(true);
  });

  it.each(SEEDS)('seed %s: the reference client passes and subscribes', async (seed) => {
    const result = await runSeed({ seed, client: reference, ...draw, keepTrace: true });
    expect(result.violations).toEqual([]);
    expect(result.passed).toBe(true);
    const subscribed = (result.trace ?? []).filter((event) => event.type === 'user.subscribe');
    expect(subscribed.length).toBeGreaterThan(0);
  });

  it.each(SEEDS)('seed %s: a client without the capability skips them and passes', async (seed) => {
    const result = await runSeed({ seed, client: unaware, ...draw, keepTrace: true });
    expect(result.violations).toEqual([]);
    const trace = result.trace ?? [];
    expect(trace.filter((event) => event.type === 'user.subscribe')).toEqual([]);
    const skips = trace.filter(
      (event) =>
        event.type === 'user.skip' && event.reason === 'the client does not declare capabilities.subscriptions',
    );
    expect(skips.length).toBeGreaterThan(0);
    const final = trace.find((event) => event.type === 'sim.final');
    expect(final).not.toHaveProperty('subscriptions');
  });
});

describe('a sweep another instance completed (partial seed 228)', () => {
  it('leaves the record the other instance pulled on the device', async () => {
    const scenario = loadScenario('test/sim/fixtures/partial-seed-228.json');
    const result = await runScenario(scenario, reference, { keepTrace: true });
    expect(result.violations).toEqual([]);
    // Instance 1's sweep had failed; instance 2 completed one; instance 1 forgets nothing.
    const forgot = (result.trace ?? []).filter((event) => event.type === 'client.resync-forgot');
    expect(forgot).toEqual([]);
  });
});

describe('a narrowing judged by a stale copy (partial seed 239)', () => {
  it('is not a loss: the note leaves the device and comes back with the next pull', async () => {
    const scenario = loadScenario('test/sim/fixtures/partial-seed-239.json');
    const result = await runScenario(scenario, reference, { keepTrace: true });
    expect(result.violations).toEqual([]);
    const views = (result.trace ?? []).filter((event) => event.type === 'device.view' && event.device === 'd2');
    const notes = (event: (typeof views)[number]) =>
      (event.records as { collection: string }[]).filter((record) => record.collection === 'notes').length;
    // The situation the checker must excuse: d2 showed the note, then after the restart did not.
    expect(views.some((event) => event.reason === 'after-restart' && notes(event) === 0)).toBe(true);
    expect(notes(views.at(-1) as (typeof views)[number])).toBe(1);
  });
});
