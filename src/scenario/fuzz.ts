/**
 * @module scenario/fuzz
 * The fuzzer. Each seed stands for a Plan (workload and nemesis drawn together by
 * sim/generate); a campaign runs the seeds in supervised worker processes; the failures
 * are then shrunk with fast-check (scenario/shrink), each candidate run in a supervised
 * child too, and each smallest failing plan becomes a repro scenario (scenario/repro)
 * that `syncstorm run` replays to the same violation and the same trace hash. This
 * process never runs client code. A seed whose process died (exited, crashed, ran out of
 * memory, overran) is reported as its client error; it is not shrunk, and the campaign
 * goes on.
 */
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { runCampaign } from '../sim/campaign.ts';
import { diedOnly } from '../sim/client-errors.ts';
import type { Plan, ProfileName } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';
import { planForSeed } from '../sim/seed-run.ts';
import { type FuzzRepro, makeRepro, unshrunkRepro } from './repro.ts';
import { brokenInvariants, rootInvariant } from './root-cause.ts';
import { ORIGINAL_TIMEOUT_MS, SHRINK_TIME_LIMIT_MS_DEFAULT } from './shrink-budget.ts';

export interface DrawOptions {
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
  /** The server slot every drawn plan runs against (Plan.server); the reference server when absent. */
  server?: string;
}

/** Seeds the fuzzer draws from (a positive 31-bit integer, as a string). */
export const SEED_MAX = 2 ** 31 - 1;

/**
 * A fast-check arbitrary of drawn runs: a seed and the plan it stands for. Its shrinks are
 * other seeds; shrinking a failing plan itself is `PlanShrinkArbitrary`'s job.
 */
export function seededPlanArbitrary(options: DrawOptions): fc.Arbitrary<{ seed: string; plan: Plan }> {
  return fc
    .integer({ min: 1, max: SEED_MAX })
    .map((seed) => ({ seed: String(seed), plan: planForSeed({ seed: String(seed), ...options }) }));
}

export interface FuzzOptions extends DrawOptions {
  /** The client as the workers resolve it ('reference', 'mutant:x', a module path). */
  clientSpec: string;
  /** The client's name (as it declares it), for results made without a run. */
  clientName: string;
  /** Wall time one run (seed, candidate, repro) may take from its client's start. */
  runTimeLimitMs?: number;
  /** Heap of each child that runs the client, MB. */
  heapMb?: number;
  seeds: number;
  seedStart: number;
  workers?: number;
  /** Stop handing out seeds once this many failed (showing `preferInvariant`, when set). Default 1. */
  failuresMax?: number;
  /** Failing seeds to shrink into repros. Default 1. */
  shrinkMax?: number;
  /** Invariant to prefer when choosing what to shrink (a mutant's declared one). */
  preferInvariant?: string;
  /** Real-time source (ms) for the time limits; only the caller may read the clock. */
  now?: () => number;
  /** Stop handing out seeds after this long. */
  timeLimitMs?: number;
  /** Outer guard on shrinking one failure, wall ms (shrinking is bounded by counts: scenario/shrink-budget). */
  shrinkTimeLimitMs?: number;
  onResult?: (result: RunResult, done: number, total: number) => void;
  onShrinkStart?: (result: RunResult, invariant: string) => void;
  /** After each shrink candidate run: the candidate, whether it still failed, runs so far. */
  onShrinkRun?: (plan: Plan, failed: boolean, runs: number) => void;
}

export interface FuzzOutcome {
  /** One result per seed run, in seed order; a shrunk failure is replaced by its repro's run. */
  results: RunResult[];
  repros: FuzzRepro[];
  seedsRun: number;
  /** Why the campaign ran fewer seeds than asked, if it did. */
  stoppedBy?: 'failures-max' | 'time-limit';
}

export { SHRINK_TIME_LIMIT_MS_DEFAULT } from './shrink-budget.ts';

/**
 * Seeds per block. When slices are looked at between (a preferred invariant, a time limit),
 * a slice is whole blocks, so every seed of the block holding the first preferred failure
 * has run, whatever the number of workers: the choice of what to shrink is made there.
 */
const BLOCK_SEEDS = 16;
/** Seeds per worker in a slice (rounded up to whole blocks). */
const SLICE_SEEDS_PER_WORKER = 8;

/** A failure that counts towards `failuresMax`: one showing the preferred invariant, if there is one. */
function wanted(result: RunResult, options: FuzzOptions): boolean {
  if (result.passed || diedOnly(result.violations)) return false;
  if (options.preferInvariant === undefined) return true;
  return result.violations.some((violation) => violation.invariant === options.preferInvariant);
}

/**
 * Runs the seeds. The campaign is cut into slices when something must be looked at
 * between them (the time limit, or whether a failure showed the preferred invariant).
 */
async function explore(options: FuzzOptions): Promise<{ results: RunResult[]; stoppedBy?: FuzzOutcome['stoppedBy'] }> {
  const failuresMax = options.failuresMax ?? 1;
  const workers = options.workers ?? availableParallelism();
  const timed = options.timeLimitMs !== undefined && options.now !== undefined;
  const sliced = timed || options.preferInvariant !== undefined;
  const startMs = options.now?.() ?? 0;
  const slice = sliced ? Math.ceil((workers * SLICE_SEEDS_PER_WORKER) / BLOCK_SEEDS) * BLOCK_SEEDS : options.seeds;
  const results: RunResult[] = [];
  let found = 0;
  let done = 0;
  for (let offset = 0; offset < options.seeds; offset += slice) {
    if (timed && (options.now as () => number)() - startMs >= (options.timeLimitMs as number))
      return { results, stoppedBy: 'time-limit' };
    const batch = await runCampaign({
      clientSpec: options.clientSpec,
      seeds: Math.min(slice, options.seeds - offset),
      seedStart: options.seedStart + offset,
      profile: options.profile,
      devices: options.devices,
      opsPerDevice: options.opsPerDevice,
      ...(options.chaosMs !== undefined ? { chaosMs: options.chaosMs } : {}),
      ...(options.server !== undefined ? { server: options.server } : {}),
      workers,
      // A failure's trace goes in the report, whether or not it is shrunk.
      keepFailedTraces: true,
      // A hang guard: a seed that overruns is a client-timeout, not a failure to shrink, so a
      // guard reached on a loaded machine would change which seed is shrunk.
      seedTimeLimitMs: options.runTimeLimitMs ?? ORIGINAL_TIMEOUT_MS,
      ...(options.heapMb !== undefined ? { heapMb: options.heapMb } : {}),
      ...(options.preferInvariant === undefined ? { failuresMax: failuresMax - found } : {}),
      onResult: (result) => options.onResult?.(result, ++done, options.seeds),
    });
    results.push(...batch);
    found += batch.filter((result) => wanted(result, options)).length;
    if (found >= failuresMax)
      return { results, ...(results.length < options.seeds ? { stoppedBy: 'failures-max' as const } : {}) };
  }
  return { results };
}

/**
 * Failing runs to shrink, chosen from what every machine runs alike, so that the repro is a
 * function of (version, client, seed, flags). With a preferred invariant: the runs showing
 * it in the block of BLOCK_SEEDS seeds that holds the first seed showing it (explore ran
 * that whole block); else the first `failuresMax` failing seeds in seed order (seeds are
 * handed out in order, so those always ran). Among them the cheapest first (fewest
 * scheduler events: shrinking runs it many times), then by seed. The invariant kept is the
 * preferred one, else the root cause (scenario/root-cause).
 */
function chooseFailures(
  results: readonly RunResult[],
  options: FuzzOptions,
): { result: RunResult; invariant: string }[] {
  const bySeed = [...results].sort((a, b) => Number(a.seed) - Number(b.seed));
  // A run whose process died has no run to shrink: it is reported as it is.
  const failing = bySeed.filter((result) => rootInvariant(result.violations) !== undefined);
  const prefer = options.preferInvariant;
  const shows = (result: RunResult) => prefer !== undefined && result.violations.some((v) => v.invariant === prefer);
  const first = failing.find(shows);
  const block = (result: RunResult) => Math.floor((Number(result.seed) - options.seedStart) / BLOCK_SEEDS);
  const pool =
    first !== undefined
      ? failing.filter((result) => shows(result) && block(result) === block(first))
      : failing.slice(0, options.failuresMax ?? 1);
  const ordered = [...pool].sort((a, b) => a.stats.events - b.stats.events || Number(a.seed) - Number(b.seed));
  return ordered.slice(0, options.shrinkMax ?? 1).map((result) => ({
    result,
    invariant: rootInvariant(result.violations, prefer) as string,
  }));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzOutcome> {
  const explored = await explore(options);
  const results = [...explored.results];
  const repros: FuzzRepro[] = [];
  const chosen = chooseFailures(results, options);
  for (const { result, invariant } of chosen) {
    options.onShrinkStart?.(result, invariant);
    const repro = await makeRepro({
      ...reproBase(options, result, invariant),
      ...(options.runTimeLimitMs !== undefined ? { runTimeLimitMs: options.runTimeLimitMs } : {}),
      ...(options.heapMb !== undefined ? { childLimits: { heapMb: options.heapMb } } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
      timeLimitMs: options.shrinkTimeLimitMs ?? SHRINK_TIME_LIMIT_MS_DEFAULT,
      ...(options.onShrinkRun ? { onShrinkRun: options.onShrinkRun } : {}),
    });
    repros.push(repro);
    results[results.indexOf(result)] = repro.result;
  }
  // Every other failure gets its seed's plan as a repro (its run, trace kept, stands for it).
  for (const result of [...results]) {
    if (result.passed || chosen.some((entry) => entry.result === result)) continue;
    if (repros.some((repro) => repro.result === result)) continue;
    const invariant = rootInvariant(result.violations) ?? result.violations[0]?.invariant ?? 'client-error';
    const repro = unshrunkRepro({ ...reproBase(options, result, invariant), original: result });
    repros.push(repro);
    results[results.indexOf(result)] = repro.result;
  }
  return {
    results,
    repros,
    seedsRun: explored.results.length,
    ...(explored.stoppedBy ? { stoppedBy: explored.stoppedBy } : {}),
  };
}

/** What every repro of a campaign's failing `result` is made from. */
function reproBase(options: FuzzOptions, result: RunResult, invariant: string) {
  return {
    seed: result.seed,
    plan: planForSeed({ seed: result.seed, ...options }),
    draw: options,
    clientSpec: options.clientSpec,
    clientName: options.clientName,
    invariant,
    broken: brokenInvariants(result.violations),
    original: result,
  };
}
