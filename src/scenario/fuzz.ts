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
import { diedOnly, PROCESS_ERROR_KINDS } from '../sim/client-errors.ts';
import type { Plan, ProfileName } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';
import { planForSeed } from '../sim/seed-run.ts';
import { type FuzzRepro, makeRepro } from './repro.ts';

export interface DrawOptions {
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  chaosMs?: number;
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
  /** Bound on shrinking one failure. */
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

export const SHRINK_TIME_LIMIT_MS_DEFAULT = 30_000;
/** Seeds per campaign slice when a time limit is checked between slices. */
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
  const slice = sliced ? workers * SLICE_SEEDS_PER_WORKER : options.seeds;
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
      workers,
      ...(options.runTimeLimitMs !== undefined ? { seedTimeLimitMs: options.runTimeLimitMs } : {}),
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
 * Failing runs to shrink: those showing the preferred invariant first, then the cheapest
 * (fewest scheduler events: shrinking runs it many times), then by seed.
 */
function chooseFailures(
  results: readonly RunResult[],
  options: FuzzOptions,
): { result: RunResult; invariant: string }[] {
  // A run whose process died has no run to shrink: it is reported as it is.
  const shrinkable = (invariant: string) => !(PROCESS_ERROR_KINDS as readonly string[]).includes(invariant);
  const failing = results.filter((result) => !result.passed && result.violations.some((v) => shrinkable(v.invariant)));
  const shows = (result: RunResult) =>
    options.preferInvariant !== undefined && result.violations.some((v) => v.invariant === options.preferInvariant);
  const ordered = [...failing].sort(
    (a, b) => Number(shows(b)) - Number(shows(a)) || a.stats.events - b.stats.events || Number(a.seed) - Number(b.seed),
  );
  return ordered.slice(0, options.shrinkMax ?? 1).map((result) => ({
    result,
    invariant: shows(result)
      ? (options.preferInvariant as string)
      : (result.violations.find((v) => shrinkable(v.invariant))?.invariant as string),
  }));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzOutcome> {
  const explored = await explore(options);
  const results = [...explored.results];
  const repros: FuzzRepro[] = [];
  for (const { result, invariant } of chooseFailures(results, options)) {
    options.onShrinkStart?.(result, invariant);
    const repro = await makeRepro({
      seed: result.seed,
      plan: planForSeed({ seed: result.seed, ...options }),
      draw: options,
      clientSpec: options.clientSpec,
      clientName: options.clientName,
      ...(options.runTimeLimitMs !== undefined ? { runTimeLimitMs: options.runTimeLimitMs } : {}),
      ...(options.heapMb !== undefined ? { childLimits: { heapMb: options.heapMb } } : {}),
      invariant,
      ...(options.now !== undefined ? { now: options.now } : {}),
      timeLimitMs: options.shrinkTimeLimitMs ?? SHRINK_TIME_LIMIT_MS_DEFAULT,
      ...(options.onShrinkRun ? { onShrinkRun: options.onShrinkRun } : {}),
    });
    repros.push(repro);
    if (repro.reproduced) results[results.indexOf(result)] = repro.result;
  }
  return {
    results,
    repros,
    seedsRun: explored.results.length,
    ...(explored.stoppedBy ? { stoppedBy: explored.stoppedBy } : {}),
  };
}
