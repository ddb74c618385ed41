/**
 * @module scenario/shrink
 * Shrinking a failing plan with fast-check. The plan is a fast-check value whose shrink
 * stream takes away steps and fault rules together (delta debugging: halves, quarters …
 * single atoms), whole devices, the ambient noise of the profile, and finally simplifies
 * single steps. fast-check walks the stream and keeps the first candidate that still
 * fails the same way, then shrinks that one, until nothing smaller fails.
 */
import fc from 'fast-check';
import type { Plan, ProfileName } from '../sim/plan.ts';
import { type Atom, atomsOf, simplerPlans, withoutAtoms, withoutDevice } from './plan-edit.ts';

/** Where the delta-debugging search stands: the plan's atoms are cut into `chunks` pieces. */
interface ShrinkContext {
  chunks: number;
  /**
   * A calmer profile was tried on an ancestor of this plan and did not fail. It is not
   * tried again: a calmer profile changes every ambient draw, so it seldom fails later
   * when it did not at first, and a mutant's retry storm runs fastest (costliest) there.
   */
  calmerRefused?: boolean;
}

const CALMER: Readonly<Record<ProfileName, ProfileName[]>> = {
  hostile: ['calm', 'flaky'],
  flaky: ['calm'],
  calm: [],
  apps: ['calm', 'flaky'],
  partial: ['calm', 'flaky'],
};

function chunksOf(atoms: readonly Atom[], count: number): Atom[][] {
  const size = Math.ceil(atoms.length / count);
  const out: Atom[][] = [];
  for (let start = 0; start < atoms.length; start += size) out.push(atoms.slice(start, start + size));
  return out;
}

/** Smaller or simpler plans than `plan`, most promising first. */
function* candidates(plan: Plan, context: ShrinkContext | undefined): Generator<fc.Value<Plan>> {
  const atoms = atomsOf(plan);
  const from = Math.max(2, Math.min(context?.chunks ?? 2, atoms.length));
  const calmer = context?.calmerRefused === true ? [] : CALMER[plan.profile];
  // Reached once every calmer profile was tried and did not fail.
  const calmerRefused = context?.calmerRefused === true || calmer.length > 0;
  for (const profile of calmer) yield new fc.Value({ ...plan, profile }, { chunks: from });
  if (plan.devices.length > 1) {
    for (const device of plan.devices)
      yield new fc.Value(withoutDevice(plan, device.id), { chunks: from, calmerRefused });
  }
  for (let count = from; atoms.length > 0; count = Math.min(count * 2, atoms.length)) {
    // Removing one piece of `count` worked: the next search starts one piece coarser.
    for (const chunk of chunksOf(atoms, count))
      yield new fc.Value(withoutAtoms(plan, chunk), { chunks: Math.max(2, count - 1), calmerRefused });
    if (count >= atoms.length) break;
  }
  for (const simpler of simplerPlans(plan)) yield new fc.Value(simpler, { chunks: atoms.length, calmerRefused });
}

/** Yields `source`, announcing each value's successor before the value itself is used. */
function* withLookahead(source: Iterator<fc.Value<Plan>>, prefetch: (plan: Plan) => void): Generator<fc.Value<Plan>> {
  let current = source.next();
  while (current.done !== true) {
    const next = source.next();
    if (next.done !== true) prefetch(next.value.value_);
    yield current.value;
    current = next;
  }
}

/**
 * A fast-check arbitrary holding one plan, whose shrinks are smaller plans. `prefetch`
 * hears of the candidate after the one being tried, so it can be run in parallel.
 */
export class PlanShrinkArbitrary extends fc.Arbitrary<Plan> {
  constructor(
    private readonly plan: Plan,
    private readonly prefetch?: (plan: Plan) => void,
  ) {
    super();
  }

  generate(): fc.Value<Plan> {
    return new fc.Value(this.plan, { chunks: 2 } satisfies ShrinkContext);
  }

  canShrinkWithoutContext(value: unknown): value is Plan {
    const plan = value as Partial<Plan> | null;
    return typeof plan === 'object' && plan !== null && Array.isArray(plan.steps) && Array.isArray(plan.devices);
  }

  shrink(value: Plan, context: unknown): fc.Stream<fc.Value<Plan>> {
    const stream = candidates(value, context as ShrinkContext | undefined);
    return new fc.Stream(this.prefetch === undefined ? stream : withLookahead(stream, this.prefetch));
  }
}

export interface ShrinkOptions {
  /** True when a plan still fails the way the original did. Must not throw. */
  fails: (plan: Plan) => Promise<boolean>;
  /** Bound on candidate runs. */
  runsMax?: number;
  /** Stops the search (the smallest failing plan so far is kept) once this returns true. */
  expired?: () => boolean;
  /** Hears of the next candidate while the current one is tried (to run it in parallel). */
  prefetch?: (plan: Plan) => void;
  /** Called after each candidate run. */
  onRun?: (plan: Plan, failed: boolean, runs: number) => void;
}

export interface ShrinkOutcome {
  plan: Plan;
  /** Candidate runs made, the original's included. */
  runs: number;
  /** Successful shrinks. */
  shrinks: number;
  /** False when the original plan did not fail when run again. */
  reproduced: boolean;
  /** True when the search stopped on its run bound or time limit. */
  stoppedEarly: boolean;
}

export const SHRINK_RUNS_MAX_DEFAULT = 2_000;

export async function shrinkPlan(plan: Plan, options: ShrinkOptions): Promise<ShrinkOutcome> {
  const runsMax = options.runsMax ?? SHRINK_RUNS_MAX_DEFAULT;
  let runs = 0;
  let stoppedEarly = false;
  let smallest: Plan | undefined;
  const property = fc.asyncProperty(new PlanShrinkArbitrary(plan, options.prefetch), async (candidate) => {
    if (runs >= runsMax || (runs > 0 && options.expired?.() === true)) {
      stoppedEarly = true;
      return true;
    }
    runs += 1;
    const failed = await options.fails(candidate);
    options.onRun?.(candidate, failed, runs);
    if (failed) smallest = candidate;
    return !failed;
  });
  const details = await fc.check(property, { examples: [[plan]], numRuns: 1, seed: 0, endOnFailure: false });
  const reproduced = details.failed;
  return {
    plan: smallest ?? plan,
    runs,
    shrinks: details.numShrinks,
    reproduced,
    stoppedEarly,
  };
}
