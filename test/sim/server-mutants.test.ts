/**
 * Goal: the checkers have teeth against broken servers too (issue 14, item 1). Every server
 * mutant that declares an invariant is caught by it in the simulator, with the reference
 * client; one that declares none says why. The server slot is deterministic, and without a
 * server the plan and the trace are those of the reference server.
 * Method: a campaign per mutant (the client mutants' draw: flaky, 3 devices x 30 ops, at
 * most 200 seeds, stopping at the first catch). skip-on-concurrent-page needs a pull of more
 * than one page (the reference client asks for 50) with a write between pages, which small
 * draws rarely make: it runs a plan that makes one, and the reference server passes that plan.
 */
import { describe, expect, test } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { scenarioToPlan } from '../../src/scenario/convert.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { SERVER_MUTANTS } from '../../src/server/mutants/index.ts';
import { runCampaign } from '../../src/sim/campaign.ts';
import type { Plan, Step } from '../../src/sim/plan.ts';
import { runSimulation } from '../../src/sim/simulation.ts';
import { MUTANT_SEEDS_MAX } from './seeds.ts';

useFastScratch();

/** Mutants caught by a plan made for them rather than by the campaign, and why. */
const BY_PLAN = new Set(['skip-on-concurrent-page']);

const invariants = (violations: readonly { invariant: string }[]) => [...new Set(violations.map((v) => v.invariant))];

describe('server mutant catalogue', () => {
  const drawn = SERVER_MUTANTS.filter((mutant) => mutant.invariant !== undefined && !BY_PLAN.has(mutant.name));
  test.each(drawn.map((mutant) => [mutant.name, mutant.invariant as string] as const))(
    '%s is caught as %s',
    async (name, invariant) => {
      const shows = (violations: readonly { invariant: string }[]) => violations.some((v) => v.invariant === invariant);
      const results = await runCampaign({
        clientSpec: 'reference',
        server: `mutant:${name}`,
        seeds: MUTANT_SEEDS_MAX,
        seedStart: 1,
        profile: 'flaky',
        devices: 3,
        opsPerDevice: 30,
        workers: 2,
        stopWhen: (result) => shows(result.violations),
      });
      const caught = results.find((result) => shows(result.violations));
      expect({ caught: caught?.seed, seen: invariants(results.flatMap((r) => r.violations)) }).toMatchObject({
        caught: expect.any(String),
      });
      expect(caught?.server).toBe(`mutant:${name}`);
    },
    900_000,
  );

  test('skip-on-concurrent-page is caught as convergence on a two-page pull with a write between pages', async () => {
    const creates: Step[] = Array.from({ length: 60 }, (_, index) => ({
      at: index * 100,
      do: 'create',
      device: 'phone',
      collection: 'notes',
      ref: `n${index}`,
      fields: ['title'],
    }));
    const plan: Plan = {
      devices: [{ id: 'phone' }, { id: 'laptop', offline: true }],
      profile: 'calm',
      steps: [
        ...creates,
        { at: 8000, do: 'sync', device: 'phone' },
        { at: 20000, do: 'online', device: 'laptop' },
        { at: 21000, do: 'sync', device: 'laptop' },
        { at: 90000, do: 'heal' },
      ],
      networkRules: [],
      serverRules: [
        {
          id: 'between',
          match: { device: 'laptop', route: 'changes' },
          fault: { type: 'write-between-pages' },
          times: 1,
        },
      ],
    };
    const client = createReferenceClient();
    const mutant = await runSimulation({
      seed: '1',
      plan: { ...plan, server: 'mutant:skip-on-concurrent-page' },
      client,
    });
    expect(invariants(mutant.violations)).toContain('convergence');
    const reference = await runSimulation({ seed: '1', plan, client });
    expect(reference.violations).toEqual([]);
  });

  test('a mutant that declares no invariant says why', () => {
    for (const mutant of SERVER_MUTANTS.filter((entry) => entry.invariant === undefined))
      expect(mutant.unobservable, mutant.name).toMatch(/.{20,}/);
  });
});

describe('the server slot in a run', () => {
  const scenario = loadScenario('scenarios/delete-during-cache-reload.json');
  const client = createReferenceClient();

  test('a run against a server mutant is deterministic, and records the server', async () => {
    const plan = { ...scenarioToPlan(scenario), server: 'mutant:stale-cache-reload' };
    const [first, second] = [
      await runSimulation({ seed: '1', plan, client, keepTrace: true }),
      await runSimulation({ seed: '1', plan, client }),
    ];
    expect(first.traceHash).toBe(second.traceHash);
    expect(invariants(first.violations)).toContain('no-resurrection');
    const start = first.trace?.find((event) => event.type === 'sim.start');
    expect(start?.server).toBe('mutant:stale-cache-reload');
    expect(first.trace?.some((event) => event.type === 'server.hook')).toBe(true);
  });

  test("without a server, the plan has no server key and the run is the reference server's", async () => {
    const plan = scenarioToPlan(scenario);
    expect('server' in plan).toBe(false);
    const result = await runSimulation({ seed: '1', plan, client, keepTrace: true });
    expect(result.server).toBeUndefined();
    expect(result.violations).toEqual([]);
    expect(result.trace?.find((event) => event.type === 'sim.start')).not.toHaveProperty('server');
    const named = await runSimulation({ seed: '1', plan: { ...plan, server: 'reference' }, client });
    // Naming the reference server changes only the sim.start event (it records the name).
    expect(named.violations).toEqual([]);
  });
});
