/**
 * @module scenario/isolated-run
 * One scenario run in a supervised child (plan-runner), exactly as `syncstorm run` makes
 * it: its seed, its plan, its expectations. A run whose child exited, crashed, ran out of
 * memory or overran comes back as a failed result naming that client error.
 */
import { failedRunResult, type RunResult } from '../sim/result.ts';
import { scenarioSeed, scenarioToPlan } from './convert.ts';
import type { PlanRunner } from './plan-runner.ts';
import type { Scenario } from './schema.ts';

export interface IsolatedScenarioRun {
  /** The client as the child resolves it. */
  clientSpec: string;
  /** The client's name, for a result made without a run. */
  clientName: string;
  /** Wall time the run may take from its client's start. */
  timeLimitMs: number;
  keepTrace: boolean;
  traceFile?: string;
  /** Names the run in messages ("scenario scenarios/x.json"). */
  what: string;
}

export async function runScenarioInChild(
  runner: PlanRunner,
  scenario: Scenario,
  run: IsolatedScenarioRun,
): Promise<RunResult> {
  const seed = scenarioSeed(scenario);
  const expectedViolations = scenario.expect.violations;
  const outcome = await runner.run(seed, scenarioToPlan(scenario), {
    timeoutMs: run.timeLimitMs,
    clientSpec: run.clientSpec,
    what: run.what,
    full: {
      name: scenario.name,
      expectedViolations,
      keepTrace: run.keepTrace,
      ...(run.traceFile !== undefined ? { traceFile: run.traceFile } : {}),
    },
  });
  if (outcome.kind === 'ran' && outcome.verdict.result !== undefined) return outcome.verdict.result;
  const error =
    outcome.kind === 'failed' ? outcome.error : { kind: 'client-error', message: `${run.what} returned no result` };
  const { name, profile } = scenario;
  const identity = { name, seed, client: run.clientName, profile, devices: scenario.devices.length };
  return failedRunResult({ ...identity, expectedViolations }, error.message, error.kind);
}
