/**
 * @module scenario/repro
 * From a failing seed to a repro scenario: shrink the seed's plan to the smallest plan
 * that still violates the same invariant, then write it as a scenario that carries the
 * seed, the client and everything else the run used, and run that scenario once more
 * exactly as `syncstorm run` will, so the hash it reports is the one the file reproduces.
 * Every run, the confirmation run included, happens in a supervised child process
 * (plan-runner): a client that exits, spins or runs out of memory cannot end or hang the
 * command; its run comes back as a client error.
 * A repro expects every invariant to hold: it fails until the bug is fixed.
 */
import { basename, extname } from 'node:path';
import type { Plan } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';
import { planToScenario, scenarioToPlan } from './convert.ts';
import { runScenarioInChild } from './isolated-run.ts';
import { parseScenario } from './load.ts';
import { renumberRefs, tidy } from './plan-edit.ts';
import { type ChildLimits, PlanRunner, PlanRunnerPool } from './plan-runner.ts';
import type { Scenario } from './schema.ts';
import { shrinkPlan } from './shrink.ts';
import { ORIGINAL_TIMEOUT_MS, ShrinkBudget } from './shrink-budget.ts';

export interface ReproOptions {
  seed: string;
  /** The failing plan the seed stands for. */
  plan: Plan;
  /** How the plan was drawn (for the description). */
  draw: { profile: string; devices: number; opsPerDevice: number };
  clientSpec: string;
  /** The client's name, for a result made without a run. */
  clientName: string;
  /** The invariant the repro must keep violating. */
  invariant: string;
  now?: () => number;
  timeLimitMs?: number;
  runsMax?: number;
  /** Child processes that run candidates (the next candidate runs while the current one does). */
  workers?: number;
  /** Wall time the confirmation run may take, from its client's start. */
  runTimeLimitMs?: number;
  childLimits?: ChildLimits;
  /** Progress: called after each shrink candidate run (for a progress line). */
  onShrinkRun?: (plan: Plan, failed: boolean, runs: number) => void;
}

/** Candidates in flight while shrinking: the one tried and the next one. */
export const SHRINK_WORKERS_DEFAULT = 2;

export interface FuzzRepro {
  /** `<client>-<invariant>-seed<seed>`: the scenario's name and its file name. */
  name: string;
  seed: string;
  invariant: string;
  /** The violation's message in the repro's run. */
  message: string;
  scenario: Scenario;
  stepsBefore: number;
  stepsAfter: number;
  rulesBefore: number;
  rulesAfter: number;
  /** Candidate runs the shrinker made. */
  shrinkRuns: number;
  /** Real ms spent shrinking and checking the repro (0 without a clock). */
  shrinkMs: number;
  /** The search stopped on its time limit or run bound. */
  stoppedEarly: boolean;
  /** The repro scenario violates the invariant when run (false: the seed did not fail again in this process). */
  reproduced: boolean;
  /** The repro's run, trace kept. */
  result: RunResult;
}

/** `mutant:no-idempotency-key` → `mutant-no-idempotency-key`; `./clients/mine.ts` → `mine`. */
export function clientStem(spec: string): string {
  const named = spec.includes('/') || extname(spec) !== '' ? basename(spec, extname(spec)) : spec;
  return named.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'client';
}

export function reproName(clientSpec: string, invariant: string, seed: string): string {
  return `${clientStem(clientSpec)}-${invariant}-seed${seed}`;
}

/** Candidate answers kept for plans met again. */
const ANSWERS_KEPT = 256;

/** How sim/simulation reports a chaos phase stopped by its event bound. */
const BOUND_ERROR = /hit its bound/;

const rulesOf = (plan: Plan) => plan.networkRules.length + plan.serverRules.length;

/** The plan as a scenario file would give it back (validated, keys in schema order). */
export function normalizePlan(plan: Plan, seed: string): Plan {
  const scenario = planToScenario(plan, {
    name: 'candidate',
    description: 'shrink candidate',
    seed,
    client: 'reference',
  });
  return scenarioToPlan(parseScenario(JSON.stringify(scenario), 'a drawn plan'));
}

/** `message` as a sentence: with its final stop. */
function sentence(message: string): string {
  return /[.!?]$/.test(message.trimEnd()) ? message.trimEnd() : `${message.trimEnd()}.`;
}

function describe(options: ReproOptions, before: Plan, after: Plan, message: string): string {
  const { profile, devices, opsPerDevice } = options.draw;
  return (
    `Found by syncstorm fuzz: client ${options.clientSpec}, seed ${options.seed} (profile ${profile}, ${devices} devices, ` +
    `${opsPerDevice} actions each) violated ${options.invariant}: ${sentence(message)} Shrunk from ${before.steps.length} steps and ` +
    `${rulesOf(before)} fault rules to ${after.steps.length} steps and ${rulesOf(after)}. It fails until the bug is fixed.`
  );
}

export async function makeRepro(options: ReproOptions): Promise<FuzzRepro> {
  const messages = new Map<string, string>();
  // The children (the pool's and the confirmation run's) start together; the time limit
  // counts from the moment they have loaded the client, as every run's wall time does.
  const pool = new PlanRunnerPool(options.clientSpec, options.workers ?? SHRINK_WORKERS_DEFAULT, options.childLimits);
  const runner = new PlanRunner(options.clientSpec, options.childLimits);
  await Promise.all([pool.ready(), runner.ready()]);
  const startMs = options.now?.() ?? 0;
  const budget = new ShrinkBudget({
    ...(options.now ? { now: options.now } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
  });
  const evaluate = async (plan: Plan): Promise<boolean> => {
    let startedMs = 0;
    const limits = () => {
      startedMs = options.now?.() ?? 0;
      return budget.next();
    };
    const outcome = await pool.run(options.seed, normalizePlan(plan, options.seed), limits);
    if (outcome.kind !== 'ran') return false;
    const { verdict } = outcome;
    budget.record(verdict.events, (options.now?.() ?? 0) - startedMs);
    // A run stopped by its bound is not the run `syncstorm run` would make: it does not count.
    if (verdict.errors.some((error) => BOUND_ERROR.test(error))) return false;
    const found = verdict.violations.find((violation) => violation.invariant === options.invariant);
    if (found !== undefined) messages.set(JSON.stringify(plan), found.message);
    return found !== undefined;
  };
  // Runs are deterministic, so a plan's answer can be kept: candidates announced ahead run
  // on the pool's other workers while the current one runs, and a plan met again (the
  // search revisits some) is not run twice. The oldest answers go past a bound.
  const answers = new Map<string, Promise<boolean>>();
  const answer = (plan: Plan): Promise<boolean> => {
    const key = JSON.stringify(plan);
    let found = answers.get(key);
    if (found === undefined) {
      found = evaluate(plan);
      answers.set(key, found);
      if (answers.size > ANSWERS_KEPT) answers.delete(answers.keys().next().value as string);
    }
    return found;
  };
  const prefetch = (plan: Plan) => {
    if (!budget.expired) void answer(plan);
  };
  const shrunk = await shrinkPlan(options.plan, {
    fails: answer,
    prefetch,
    expired: () => budget.expired,
    ...(options.runsMax ? { runsMax: options.runsMax } : {}),
    ...(options.onShrinkRun ? { onRun: options.onShrinkRun } : {}),
  }).finally(() => pool.close()); // candidates still in flight are of no further use
  const confirmed = await confirm(options, shrunk.plan, messages, runner).finally(() => runner.close());
  return reproOf(options, shrunk, confirmed, startMs);
}

/** Runs the repro scenario (tidied, else as shrunk) in a child, as `syncstorm run` will. */
async function confirm(
  options: ReproOptions,
  shrunkPlan: Plan,
  messages: ReadonlyMap<string, string>,
  runner: PlanRunner,
): Promise<{ scenario: Scenario; result: RunResult }> {
  const name = reproName(options.clientSpec, options.invariant, options.seed);
  let last: { scenario: Scenario; result: RunResult } | undefined;
  for (const plan of [renumberRefs(tidy(shrunkPlan)), shrunkPlan]) {
    const message = messages.get(JSON.stringify(shrunkPlan)) ?? 'the violation did not recur.';
    const description = describe(options, options.plan, plan, message);
    const draft = planToScenario(plan, { name, description, seed: options.seed, client: options.clientSpec });
    const scenario = parseScenario(JSON.stringify(draft), name);
    const result = await runScenarioInChild(runner, scenario, {
      clientSpec: options.clientSpec,
      clientName: options.clientName,
      timeLimitMs: options.runTimeLimitMs ?? ORIGINAL_TIMEOUT_MS,
      keepTrace: true,
      what: `the repro of seed ${options.seed}`,
    });
    last = { scenario, result };
    if (result.violations.some((violation) => violation.invariant === options.invariant)) break;
  }
  return last as { scenario: Scenario; result: RunResult };
}

function reproOf(
  options: ReproOptions,
  shrunk: { runs: number; stoppedEarly: boolean; reproduced: boolean },
  last: { scenario: Scenario; result: RunResult },
  startMs: number,
): FuzzRepro {
  const { scenario, result } = last;
  const violation = result.violations.find((entry) => entry.invariant === options.invariant);
  return {
    name: scenario.name,
    seed: options.seed,
    invariant: options.invariant,
    message: violation?.message ?? `${options.invariant} did not recur when the repro was run`,
    scenario,
    stepsBefore: options.plan.steps.length,
    stepsAfter: scenario.steps.length,
    rulesBefore: rulesOf(options.plan),
    rulesAfter: (scenario.networkRules?.length ?? 0) + (scenario.serverRules?.length ?? 0),
    shrinkRuns: shrunk.runs,
    shrinkMs: (options.now?.() ?? 0) - startMs,
    stoppedEarly: shrunk.stoppedEarly,
    reproduced: shrunk.reproduced && violation !== undefined,
    result,
  };
}
