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
import { ORIGINAL_TIMEOUT_MS, ShrinkBudget, type ShrinkStop } from './shrink-budget.ts';

export interface ReproOptions {
  seed: string;
  /** The failing plan the seed stands for. */
  plan: Plan;
  /** How the plan was drawn (for the description). */
  draw: { profile: string; devices: number; opsPerDevice: number };
  clientSpec: string;
  /** The client's name, for a result made without a run. */
  clientName: string;
  /** The invariant the repro must keep violating (scenario/root-cause). */
  invariant: string;
  /** Every invariant the original run broke, listed in the repro's description. */
  broken?: readonly string[];
  /**
   * The original failing run (the campaign's, trace kept). Its hash tells whether the
   * shrinker's re-run really differed; it stands for the unshrunk plan when nothing smaller
   * fails (the same plan and seed make the same run in any process).
   */
  original?: RunResult;
  now?: () => number;
  /** Outer guard on the whole shrink, wall ms. */
  timeLimitMs?: number;
  runsMax?: number;
  /** Child processes that run candidates (the next candidate runs while the current one does). */
  workers?: number;
  /** Wall time the original's re-run and the confirmation run may take, from their client's start. */
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
  /** Every invariant the original run broke, in the order of their first witnesses. */
  broken: string[];
  /** The violation's message in the repro's run. */
  message: string;
  scenario: Scenario;
  stepsBefore: number;
  stepsAfter: number;
  rulesBefore: number;
  rulesAfter: number;
  /** Candidate runs the shrinker made (the original's included; 0: not shrunk). */
  shrinkRuns: number;
  /** Scheduler events those candidates took (the original's not included). */
  shrinkEvents: number;
  /** Real ms spent shrinking and checking the repro (0 without a clock). */
  shrinkMs: number;
  /** The search stopped on a bound before it ran out of candidates. */
  stoppedEarly: boolean;
  /** Which bound stopped it: a count (deterministic) or `time`, an outer guard (reported). */
  stoppedBy?: ShrinkStop;
  /** False when the repro is the unshrunk plan. */
  shrunk: boolean;
  /** The repro's run (or the original's, for an unshrunk repro) shows the invariant. */
  reproduced: boolean;
  /** The shrinker's re-run of the original plan ran to its end and differed from the original run. */
  differed?: { originalHash: string; rerunHash: string };
  /** The repro's run, trace kept; named `name`. */
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
  const broken = options.broken ?? [options.invariant];
  const others = broken.filter((name) => name !== options.invariant);
  const also = others.length > 0 ? ` The original run also broke ${others.join(', ')}.` : '';
  const size =
    before === after
      ? `Not shrunk: ${before.steps.length} steps and ${rulesOf(before)} fault rules.`
      : `Shrunk from ${before.steps.length} steps and ${rulesOf(before)} fault rules to ${after.steps.length} steps and ${rulesOf(after)}.`;
  return (
    `Found by syncstorm fuzz: client ${options.clientSpec}${before.server === undefined ? '' : `, server ${before.server}`}, seed ${options.seed} (profile ${profile}, ${devices} devices, ` +
    `${opsPerDevice} actions each) violated ${options.invariant}: ${sentence(message)}${also} ${size} It fails until the bug is fixed.`
  );
}

/** What a candidate's run said. */
interface Answer {
  failed: boolean;
  /** Scheduler events (0 when the run did not end in its process). */
  events: number;
  /** Stopped by its wall-time guard: the answer depends on the machine. */
  overran: boolean;
  wallMs: number;
  traceHash?: string;
  message?: string;
}

/** Runs candidates on a pool of children; a plan met again is answered from memory. */
function answering(options: ReproOptions, pool: PlanRunnerPool, budget: ShrinkBudget): (plan: Plan) => Promise<Answer> {
  const now = options.now ?? (() => 0);
  const evaluate = async (plan: Plan): Promise<Answer> => {
    let startedMs = 0;
    const limits = () => {
      startedMs = now();
      return budget.next();
    };
    const outcome = await pool.run(options.seed, normalizePlan(plan, options.seed), limits);
    const wallMs = now() - startedMs;
    if (outcome.kind !== 'ran')
      return { failed: false, events: 0, overran: outcome.error.kind === 'client-timeout', wallMs };
    const { verdict } = outcome;
    const base = { events: verdict.events, overran: false, wallMs, traceHash: verdict.traceHash };
    // A run stopped by its event bound is not the run `syncstorm run` would make: it does not count.
    if (verdict.errors.some((error) => BOUND_ERROR.test(error))) return { failed: false, ...base };
    const found = verdict.violations.find((violation) => violation.invariant === options.invariant);
    return { failed: found !== undefined, ...base, ...(found ? { message: found.message } : {}) };
  };
  // Runs are deterministic, so a plan's answer can be kept: candidates announced ahead run
  // on the pool's other workers while the current one runs, and a plan met again (the
  // search revisits some) is not run twice. The oldest answers go past a bound.
  const answers = new Map<string, Promise<Answer>>();
  return (plan: Plan): Promise<Answer> => {
    const key = JSON.stringify(plan);
    let found = answers.get(key);
    if (found === undefined) {
      found = evaluate(plan);
      answers.set(key, found);
      if (answers.size > ANSWERS_KEPT) answers.delete(answers.keys().next().value as string);
    }
    return found;
  };
}

export async function makeRepro(options: ReproOptions): Promise<FuzzRepro> {
  // The children (the pool's and the confirmation run's) start together; time counts from
  // the moment they have loaded the client, as every run's wall time does.
  const pool = new PlanRunnerPool(options.clientSpec, options.workers ?? SHRINK_WORKERS_DEFAULT, options.childLimits);
  const runner = new PlanRunner(options.clientSpec, options.childLimits);
  await Promise.all([pool.ready(), runner.ready()]);
  const startMs = options.now?.() ?? 0;
  const budget = new ShrinkBudget({
    ...(options.now ? { now: options.now } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    ...(options.runTimeLimitMs !== undefined ? { originalTimeLimitMs: options.runTimeLimitMs } : {}),
    ...(options.runsMax !== undefined ? { runsMax: options.runsMax } : {}),
  });
  const answer = answering(options, pool, budget);
  const messages = new Map<string, string>();
  let rerun: Answer | undefined;
  // Called by the search one candidate at a time, in its order: the budget's counts (and so
  // where the search stops) do not depend on which prefetched run finished first.
  const fails = async (plan: Plan): Promise<boolean> => {
    const found = await answer(plan);
    if (rerun === undefined) {
      rerun = found;
      budget.recordOriginal(found.events, found.wallMs);
    }
    budget.charge(found);
    if (found.message !== undefined) messages.set(JSON.stringify(plan), found.message);
    return found.failed;
  };
  const prefetch = (plan: Plan) => {
    if (budget.stoppedBy === undefined) void answer(plan).catch(() => undefined);
  };
  const shrunk = await shrinkPlan(options.plan, {
    fails,
    prefetch,
    expired: () => budget.stoppedBy !== undefined,
    runsMax: Number.MAX_SAFE_INTEGER, // the budget counts runs
    ...(options.onShrinkRun ? { onRun: options.onShrinkRun } : {}),
  }).finally(() => pool.close()); // candidates still in flight are of no further use
  const search: SearchFacts = {
    runs: budget.runsSpent,
    events: budget.eventsSpent,
    ...(budget.stoppedBy !== undefined ? { stoppedBy: budget.stoppedBy } : {}),
    ...differedFrom(options.original, rerun),
  };
  const confirmed = await confirmOrKeep(options, shrunk, messages, runner).finally(() => runner.close());
  return reproOf(options, search, confirmed, startMs);
}

/** What the search did, for the report. */
interface SearchFacts {
  runs: number;
  events: number;
  stoppedBy?: ShrinkStop;
  differed?: { originalHash: string; rerunHash: string };
}

/** Both hashes, when the re-run of the original plan ran to its end and differed from the original run. */
function differedFrom(original: RunResult | undefined, rerun: Answer | undefined): Pick<SearchFacts, 'differed'> {
  if (original === undefined || rerun?.traceHash === undefined || original.traceHash === '') return {};
  if (rerun.traceHash === original.traceHash) return {};
  return { differed: { originalHash: original.traceHash, rerunHash: rerun.traceHash } };
}

interface Confirmed {
  scenario: Scenario;
  result: RunResult;
  shrunk: boolean;
}

/** The scenario of `plan` as the repro file holds it, checked as a file would be. */
function reproScenario(options: ReproOptions, plan: Plan, message: string): Scenario {
  const name = reproName(options.clientSpec, options.invariant, options.seed);
  const description = describe(options, options.plan, plan, message);
  const draft = planToScenario(plan, { name, description, seed: options.seed, client: options.clientSpec });
  return parseScenario(JSON.stringify(draft), name);
}

/**
 * The repro: the shrunk plan (tidied, else as shrunk) once its run in a child, as `syncstorm
 * run` makes it, shows the invariant; otherwise the unshrunk plan, which reproduces the
 * original run (its result stands for it when the caller has it, else it is run too).
 */
async function confirmOrKeep(
  options: ReproOptions,
  shrunk: { plan: Plan; reproduced: boolean },
  messages: ReadonlyMap<string, string>,
  runner: PlanRunner,
): Promise<Confirmed> {
  const smaller = shrunk.reproduced && JSON.stringify(shrunk.plan) !== JSON.stringify(options.plan);
  const message = messages.get(JSON.stringify(shrunk.plan)) ?? messages.get(JSON.stringify(options.plan));
  const original = options.original;
  const plans = smaller ? [renumberRefs(tidy(shrunk.plan)), shrunk.plan] : [];
  if (original === undefined) plans.push(options.plan);
  let last: Confirmed | undefined;
  for (const plan of plans) {
    const scenario = reproScenario(options, plan, message ?? 'the violation did not recur.');
    const result = await runScenarioInChild(runner, scenario, {
      clientSpec: options.clientSpec,
      clientName: options.clientName,
      timeLimitMs: options.runTimeLimitMs ?? ORIGINAL_TIMEOUT_MS,
      keepTrace: true,
      what: `the repro of seed ${options.seed}`,
    });
    last = { scenario, result, shrunk: plan !== options.plan };
    if (result.violations.some((violation) => violation.invariant === options.invariant)) return last;
  }
  if (original === undefined) return last as Confirmed;
  return unshrunk(options, original);
}

/** The unshrunk plan as the repro, with the original run standing for its run. */
function unshrunk(options: ReproOptions, original: RunResult): Confirmed {
  const found = original.violations.find((violation) => violation.invariant === options.invariant);
  const scenario = reproScenario(options, options.plan, found?.message ?? 'the violation did not recur.');
  return { scenario, result: { ...original, name: scenario.name }, shrunk: false };
}

/**
 * A repro of a failure that is not shrunk (past the campaign's shrink bound): its seed's
 * plan as a scenario, with its run (trace kept) as the repro's run. Runs nothing.
 */
export function unshrunkRepro(options: ReproOptions & { original: RunResult }): FuzzRepro {
  return reproOf(options, { runs: 0, events: 0 }, unshrunk(options, options.original), options.now?.() ?? 0);
}

function reproOf(options: ReproOptions, search: SearchFacts, last: Confirmed, startMs: number): FuzzRepro {
  const { scenario, result } = last;
  const violation = result.violations.find((entry) => entry.invariant === options.invariant);
  return {
    name: scenario.name,
    seed: options.seed,
    invariant: options.invariant,
    broken: [...(options.broken ?? [options.invariant])],
    message: violation?.message ?? `${options.invariant} did not recur when the repro was run`,
    scenario,
    stepsBefore: options.plan.steps.length,
    stepsAfter: scenario.steps.length,
    rulesBefore: rulesOf(options.plan),
    rulesAfter: (scenario.networkRules?.length ?? 0) + (scenario.serverRules?.length ?? 0),
    shrinkRuns: search.runs,
    shrinkEvents: search.events,
    shrinkMs: (options.now?.() ?? 0) - startMs,
    stoppedEarly: search.stoppedBy !== undefined,
    ...(search.stoppedBy !== undefined ? { stoppedBy: search.stoppedBy } : {}),
    shrunk: last.shrunk,
    reproduced: violation !== undefined,
    ...(search.differed !== undefined ? { differed: search.differed } : {}),
    result,
  };
}
