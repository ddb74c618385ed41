/**
 * @module scenario/cross-check
 * What the schema cannot say on its own: steps and rules name declared devices, a record
 * ref is created (once) before it is used, nothing happens after the heal step, time
 * windows are the right way round, expected violations name real invariants.
 */
import { formatPath, type ScenarioProblem } from './problems.ts';
import type { Scenario, ScenarioStep } from './schema.ts';

/** A run longer than this in virtual time is a typo (a year of ms). */
export const SCENARIO_MS_MAX = 366 * 24 * 60 * 60_000;

const problem = (path: (string | number)[], message: string): ScenarioProblem => ({
  path,
  message: `${formatPath(path)} ${message}`,
});

export function crossCheck(scenario: Scenario): ScenarioProblem[] {
  return [...checkDevices(scenario), ...checkSteps(scenario), ...checkRules(scenario)];
}

function checkDevices(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const seen = new Map<string, number>();
  scenario.devices.forEach((device, index) => {
    const first = seen.get(device.id);
    if (first !== undefined)
      problems.push(
        problem(
          ['devices', index, 'id'],
          `'${device.id}' is already declared by devices[${first}]. Device ids must be unique.`,
        ),
      );
    else seen.set(device.id, index);
  });
  return problems;
}

/** Steps in the order the simulator runs them: by time, then by position. */
function runOrder(steps: readonly ScenarioStep[]): number[] {
  return steps
    .map((_, index) => index)
    .sort((a, b) => (steps[a] as ScenarioStep).at - (steps[b] as ScenarioStep).at || a - b);
}

function checkSteps(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const declared = new Set(scenario.devices.map((device) => device.id));
  const steps = scenario.steps;
  steps.forEach((step, index) => {
    if ('device' in step && !declared.has(step.device)) {
      problems.push(problem(['steps', index, 'device'], `'${step.device}' is not declared. Declare it under devices.`));
    }
    if (step.at > SCENARIO_MS_MAX)
      problems.push(problem(['steps', index, 'at'], `${step.at} is more than a year of virtual time (a typo?).`));
  });
  const heals = steps.flatMap((step, index) => (step.do === 'heal' ? [index] : []));
  if (heals.length > 1)
    problems.push(
      problem(
        ['steps', heals[1] as number],
        `is a second heal step (the first is steps[${heals[0]}]). A run heals once.`,
      ),
    );
  const heal = heals[0];
  if (heal !== undefined) {
    const healAt = (steps[heal] as ScenarioStep).at;
    steps.forEach((step, index) => {
      if (step.at > healAt)
        problems.push(
          problem(
            ['steps', index, 'at'],
            `${step.at} comes after the heal step (steps[${heal}] at ${healAt}). Move it before the heal, or the heal later.`,
          ),
        );
    });
  }
  problems.push(...checkRefs(steps));
  return problems;
}

function checkRefs(steps: readonly ScenarioStep[]): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const createdBy = new Map<string, number>();
  for (const [index, step] of steps.entries()) {
    if (step.do !== 'create') continue;
    const first = createdBy.get(step.ref);
    if (first !== undefined)
      problems.push(
        problem(
          ['steps', index, 'ref'],
          `'${step.ref}' is already created by steps[${first}]. Give each create step its own ref.`,
        ),
      );
    else createdBy.set(step.ref, index);
  }
  const created = new Set<string>();
  for (const index of runOrder(steps)) {
    const step = steps[index] as ScenarioStep;
    if (step.do === 'create') created.add(step.ref);
    if (step.do !== 'update' && step.do !== 'delete' && step.do !== 'server-write') continue;
    if (created.has(step.ref)) continue;
    const creator = createdBy.get(step.ref);
    const path = ['steps', index, 'ref'];
    if (creator === undefined) {
      problems.push(
        problem(
          path,
          `'${step.ref}' is not created by any step. Add a create step with "ref": "${step.ref}" before it.`,
        ),
      );
    } else {
      const at = (steps[creator] as ScenarioStep).at;
      problems.push(
        problem(path, `'${step.ref}' is used at ${step.at} ms, before steps[${creator}] creates it at ${at} ms.`),
      );
    }
  }
  return problems;
}

function checkRules(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const declared = new Set(scenario.devices.map((device) => device.id));
  const lists = [
    ['networkRules', scenario.networkRules ?? []],
    ['serverRules', scenario.serverRules ?? []],
  ] as const;
  for (const [list, rules] of lists) {
    rules.forEach((rule, index) => {
      const { device, fromMs, untilMs } = rule.match;
      if (device !== undefined && !declared.has(device)) {
        problems.push(
          problem([list, index, 'match', 'device'], `'${device}' is not declared. Declare it under devices.`),
        );
      }
      if (fromMs !== undefined && untilMs !== undefined && untilMs < fromMs) {
        problems.push(
          problem([list, index, 'match', 'untilMs'], `${untilMs} is before fromMs ${fromMs}: the window is empty.`),
        );
      }
    });
  }
  return problems;
}
