/**
 * Goal: `gate` from a user's project runs syncstorm's bundled test plan (classic failures
 * only, never scenarios/mutants) and the project's own scenarios/ with it; `--scenarios`
 * runs exactly that folder; in a syncstorm checkout scenarios/ runs whole, as before.
 * Method: gatePlan() from a fresh folder without and with a scenarios/ folder, and from the
 * repository root; the files it stands for are listed with the loader's own search.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatePlan } from '../../src/cli/commands/gate.ts';
import { scenarioFiles } from '../../src/scenario/load.ts';

const root = process.cwd();
const project = mkdtempSync(join(tmpdir(), 'syncstorm-gate-plan-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function planIn(folder: string, scenarios?: string) {
  process.chdir(folder);
  try {
    return gatePlan(scenarios);
  } finally {
    process.chdir(root);
  }
}

describe('the gate plan', () => {
  it('runs the bundled plan without its mutant scenarios when the project has no scenarios/, and says so', () => {
    const plan = planIn(project);
    expect(plan.label).toContain("syncstorm's bundled test plan");
    expect(plan.label).toContain('no scenarios/ folder here');
    expect(plan.paths.length).toBe(
      scenarioFiles([join(root, 'scenarios')]).filter((f) => !f.includes('/mutants/')).length,
    );
    expect(plan.paths.length).toBeGreaterThanOrEqual(10);
    expect(plan.paths.some((path) => path.includes('mutants'))).toBe(false);
  });

  it("adds the project's own scenarios/ to the bundled plan", () => {
    mkdirSync(join(project, 'scenarios'), { recursive: true });
    const plan = planIn(project);
    expect(plan.paths.at(-1)).toBe('scenarios');
    expect(plan.label).toContain('and scenarios/');
  });

  it('runs only the folder --scenarios names', () => {
    expect(planIn(project, 'elsewhere')).toEqual({ paths: ['elsewhere'], label: 'elsewhere' });
  });

  it('in a syncstorm checkout, runs scenarios/ whole (mutant scenarios included) as the project folder', () => {
    expect(planIn(root)).toEqual({ paths: ['scenarios'], label: 'scenarios' });
  });
});
