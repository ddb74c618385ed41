/**
 * Goal: scenarios/ is the readable test plan and every file in it means what it says.
 * Method: every file loads; the test-plan files (one per case of the plan) name no client,
 * say what real failure they model, and pass with the reference client; for every mutant
 * there is one file under scenarios/mutants/ whose client is that mutant and whose run
 * shows the mutant's declared invariant, while the reference client passes the very same
 * steps (so the file isolates the bug).
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import { MUTANTS } from '../../src/client/mutants/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { resolveClient } from '../../src/client/resolve.ts';
import { loadScenarios } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';

useFastScratch();
const reference = createReferenceClient();
const all = loadScenarios(['scenarios']);
const plan = all.filter((loaded) => !loaded.path.includes('mutants/'));
const mutantFiles = all.filter((loaded) => loaded.path.includes('mutants/'));

describe('scenarios/: the test plan', () => {
  it('has one file per case of the plan', () => {
    expect(plan.map((loaded) => loaded.scenario.name).sort()).toEqual([
      'clock-skew',
      'conflict-resolved-both-ways',
      'delete-during-cache-reload',
      'delete-on-both-sides-during-conflict',
      'duplicate-replay',
      'edit-vs-delete',
      'five-devices-converge',
      'kept-version-after-a-restore',
      'offline-create-restart',
      'offline-delete-recreate',
      'offline-five-updates',
      'out-of-order-deltas',
      'paginated-pull-writes-between-pages',
      'rate-limit-storm',
      'token-expiry-mid-sync',
      'upload-timeout-and-kill',
      'week-offline',
    ]);
  });

  for (const { path, scenario } of plan) {
    it(`${path} passes with the reference client`, async () => {
      expect(scenario.client).toBeUndefined();
      expect(scenario.expect.violations).toEqual([]);
      expect(scenario.description).toMatch(/Models /);
      expect(basename(path, '.json')).toBe(scenario.name);
      const result = await runScenario(scenario, reference);
      expect(result.violations).toEqual([]);
      expect(result.errors).toEqual([]);
      expect(result.passed).toBe(true);
    });
  }
});

describe('scenarios/mutants/: one file per mutant', () => {
  it('has exactly one file per mutant', () => {
    expect(mutantFiles.map((loaded) => basename(loaded.path, '.json')).sort()).toEqual(
      MUTANTS.map((mutant) => mutant.name).sort(),
    );
  });

  for (const mutant of MUTANTS) {
    it(`mutants/${mutant.name}.json shows the bug, and the reference passes the same steps`, async () => {
      const loaded = mutantFiles.find((file) => basename(file.path, '.json') === mutant.name);
      if (loaded === undefined) throw new Error(`no scenario for mutant ${mutant.name}`);
      const { scenario } = loaded;
      expect(scenario.client).toBe(`mutant:${mutant.name}`);
      expect(scenario.expect.violations).toEqual([mutant.invariant]);
      const caught = await runScenario(scenario, await resolveClient(scenario.client as string));
      expect(caught.passed, JSON.stringify(caught.violations.map((v) => v.invariant))).toBe(true);
      const clean = await runScenario({ ...scenario, expect: { violations: [] } }, reference);
      expect(clean.violations).toEqual([]);
    });
  }
});
