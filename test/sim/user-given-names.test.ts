/**
 * Goal: names a user gives (device ids, run names) are data, never object keys that
 * collide with Object.prototype (issue 20: a device named `__proto__` lost its final state
 * and flipped two mutant scenarios). Method: the two mutant scenarios that flipped run with
 * their first device renamed to `__proto__` and `constructor`: each still catches its bug
 * with the same invariants as under the original name, and the final state holds every
 * device; a report for a run named `constructor` finds no repro it was not given.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/check/history.ts';
import { resolveClient } from '../../src/client/resolve.ts';
import { reproOf } from '../../src/report/runs.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { fieldKind } from '../../src/sim/fields.ts';
import { failingRun } from '../report/fixtures.ts';
import { validScenario } from '../scenario/fixtures.ts';

const FLIPPED = ['cursor-before-apply', 'hard-delete'];

async function outcome(text: string) {
  const scenario = parseScenario(text, 'x.json');
  const result = await runScenario(scenario, await resolveClient(scenario.client ?? 'reference'), { keepTrace: true });
  const final = buildHistory(result.trace ?? []).final;
  return {
    passed: result.passed,
    invariants: [...new Set(result.violations.map((violation) => violation.invariant))].sort(),
    devices: [...(final?.devices.keys() ?? [])].sort(),
  };
}

describe('user-given names', () => {
  for (const name of FLIPPED) {
    it(`${name}: a device named __proto__ or constructor keeps its final state and the verdict`, async () => {
      const text = readFileSync(`scenarios/mutants/${name}.json`, 'utf8');
      const first = (JSON.parse(text) as { devices: { id: string }[] }).devices[0]?.id as string;
      const original = await outcome(text);
      expect(original.passed).toBe(true);
      for (const hostile of ['__proto__', 'constructor']) {
        const renamed = await outcome(text.replaceAll(`"${first}"`, JSON.stringify(hostile)));
        expect(renamed.passed, hostile).toBe(true);
        expect(renamed.invariants, hostile).toEqual(original.invariants);
        expect(renamed.devices).toEqual(original.devices.map((id) => (id === first ? hostile : id)).sort());
      }
    });
  }

  it('fields named like Object.prototype members are plain text fields; __proto__ is refused at load', async () => {
    const scenario = validScenario() as unknown as { steps: Record<string, unknown>[] };
    const create = scenario.steps[1] as { fields: string[] };
    create.fields = ['constructor', 'toString', 'hasOwnProperty'];
    (scenario.steps[2] as { ops: unknown[] }).ops = [{ op: 'set', field: 'constructor' }];
    expect(fieldKind('constructor')).toBe('text');
    const result = await runScenario(
      parseScenario(JSON.stringify(scenario), 'f.json'),
      await resolveClient('reference'),
    );
    expect(result.violations).toEqual([]);
    expect(result.passed).toBe(true);
    create.fields = ['__proto__'];
    expect(() => parseScenario(JSON.stringify(scenario), 'f.json')).toThrow(
      "steps[1].fields[0] must not be '__proto__'",
    );
  });

  it('a run named constructor or __proto__ has no repro unless given one', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect(reproOf({ ...failingRun(), name }, { repros: {} })).toBeUndefined();
      const repros = Object.fromEntries([[name, { path: 'r.json' }]]);
      expect(reproOf({ ...failingRun(), name }, { repros })?.path).toBe('r.json');
    }
  });
});
