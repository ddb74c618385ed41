/**
 * Goal: the server a run uses travels as data wherever a plan goes (issue 14, item 1): a
 * scenario's `server` becomes the plan's and comes back out in a repro scenario, a drawn
 * plan carries `--server` without changing what is drawn, and a plan of the reference server
 * has no `server` key at all (its trace is unchanged). `withServer` picks the scenario's own
 * server (a module path taken from the file's folder) over the command line's, drops
 * `reference`, and refuses a spec that cannot name a server.
 * Method: the conversions and the drawn plan as plain data.
 */
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isUsageError } from '../../src/kernel/errors.ts';
import { planToScenario, scenarioToPlan } from '../../src/scenario/convert.ts';
import { displayPath, parseScenario } from '../../src/scenario/load.ts';
import { normalizePlan } from '../../src/scenario/repro.ts';
import { withServer } from '../../src/scenario/server-spec.ts';
import { planForSeed } from '../../src/sim/seed-run.ts';
import { validScenario } from './fixtures.ts';

describe('server in plans and scenarios', () => {
  test('a scenario server goes into the plan, through normalisation, and back into a repro scenario', () => {
    const scenario = parseScenario(JSON.stringify({ ...validScenario(), server: 'mutant:no-tombstones' }), 'x.json');
    const plan = scenarioToPlan(scenario);
    expect(plan.server).toBe('mutant:no-tombstones');
    expect(normalizePlan(plan, '1').server).toBe('mutant:no-tombstones');
    const repro = planToScenario(plan, { name: 'r', description: 'd', seed: '1', client: 'reference' });
    expect(repro.server).toBe('mutant:no-tombstones');
  });

  test('without a server, neither the plan nor the repro scenario has the key', () => {
    const plan = scenarioToPlan(parseScenario(JSON.stringify(validScenario()), 'x.json'));
    expect('server' in plan).toBe(false);
    expect('server' in normalizePlan(plan, '1')).toBe(false);
    expect('server' in planToScenario(plan, { name: 'r', description: 'd', seed: '1', client: 'reference' })).toBe(
      false,
    );
  });

  test('a drawn plan carries the server and is otherwise the same plan', () => {
    const draw = { seed: '7', profile: 'flaky' as const, devices: 3, opsPerDevice: 10 };
    const plain = planForSeed(draw);
    const served = planForSeed({ ...draw, server: 'mutant:no-409' });
    expect(served.server).toBe('mutant:no-409');
    expect({ ...served, server: undefined }).toEqual({ ...plain, server: undefined });
    expect('server' in plain).toBe(false);
  });
});

describe('withServer', () => {
  const base = validScenario();

  test("the scenario's server wins; a module path is taken from the file's folder", () => {
    expect(withServer({ ...base, server: 'mutant:no-409' }, 'a/x.json', 'mutant:no-tombstones').server).toBe(
      'mutant:no-409',
    );
    expect(withServer(base, 'a/x.json', 'mutant:no-tombstones').server).toBe('mutant:no-tombstones');
    const module = withServer({ ...base, server: './teapot-hooks.ts' }, 'test/server/fixtures/x.json', undefined);
    expect(module.server).toBe(displayPath(resolve('test/server/fixtures/teapot-hooks.ts')));
  });

  test('reference or no server leaves the key out; a bad spec is a UsageError naming the file', () => {
    expect('server' in withServer(base, 'x.json', undefined)).toBe(false);
    expect('server' in withServer({ ...base, server: 'reference' }, 'x.json', 'mutant:no-409')).toBe(false);
    let error: unknown;
    try {
      withServer({ ...base, server: 'mutant:nope' }, 'x.json', undefined);
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect(String(error)).toMatch(/Scenario 'x\.json': server 'mutant:nope'/);
  });
});
