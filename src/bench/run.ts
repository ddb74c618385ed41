/**
 * @module bench/run
 * The coalescing benchmark: every workload with every strategy, one run each, in a fixed
 * order; then each cell is compared with its workload's baseline (the `none` strategy):
 * the reduction, and whether the converged state is still the same. Runs are sequential:
 * they are short, and wall time is only reported, never compared.
 */
import { assert } from '../kernel/assert.ts';
import { type BenchCell, measure } from './measure.ts';
import { BASELINE_STRATEGY, type BenchStrategy } from './strategies.ts';
import { type Reduction, ranksOf, reductionOf, type StrategyTotals, sameConverged, strategyTotals } from './summary.ts';
import type { BenchWorkload } from './workloads.ts';

export interface BenchOptions {
  seed: string;
  strategies: readonly BenchStrategy[];
  workloads: readonly BenchWorkload[];
  /** Called after each run (progress). */
  onCell?: (cell: BenchCell) => void;
}

export interface BenchRow extends BenchCell {
  /** This row is the baseline the others are compared with. */
  isBaseline: boolean;
  /** Against the baseline strategy on the same workload. */
  reduction: Reduction;
  /** 1 = fewest requests (then bytes); undefined when flagged. */
  rank: number | undefined;
}

export interface BenchWorkloadResult {
  name: string;
  title: string;
  description: string;
  profile: string;
  devices: number;
  /** User writes the workload makes. */
  edits: number;
  rows: BenchRow[];
}

export interface BenchResult {
  benchmark: 'coalescing';
  seed: string;
  /** The client benchmarked: 'reference' (six strategies) or the user's client's name. */
  client: string;
  /** The strategy reductions are measured against; undefined for a user's client. */
  baseline: string | undefined;
  strategies: { name: string; coalescing?: string; batching?: boolean }[];
  workloads: BenchWorkloadResult[];
  totals: StrategyTotals[];
  /** True when no strategy was flagged anywhere. */
  allHeld: boolean;
}

/** Bound on runs one benchmark makes. */
export const BENCH_RUNS_MAX = 1_000;

function compareWithBaseline(cells: BenchCell[], baseline: string | undefined): BenchRow[] {
  const base = cells.find((cell) => cell.strategy === baseline);
  for (const cell of cells) {
    if (base === undefined || cell === base) continue;
    cell.stateMatchesBaseline = sameConverged(cell, base);
    if (!cell.stateMatchesBaseline) cell.flagged = true;
  }
  const ranks = ranksOf(cells);
  return cells.map((cell) => ({
    ...cell,
    isBaseline: cell === base,
    reduction: reductionOf(cell, base),
    rank: ranks.get(cell.strategy),
  }));
}

export async function runCoalescingBench(options: BenchOptions & { client: string }): Promise<BenchResult> {
  assert(options.strategies.length > 0, 'runCoalescingBench: no strategies');
  assert(options.workloads.length > 0, 'runCoalescingBench: no workloads');
  const runs = options.strategies.length * options.workloads.length;
  assert(runs <= BENCH_RUNS_MAX, `runCoalescingBench: ${runs} runs is more than ${BENCH_RUNS_MAX}`);
  const names = options.strategies.map((strategy) => strategy.name);
  assert(new Set(names).size === names.length, 'runCoalescingBench: strategy names must be unique');
  const baseline = names.includes(BASELINE_STRATEGY) ? BASELINE_STRATEGY : undefined;
  const workloads: BenchWorkloadResult[] = [];
  for (const workload of options.workloads) {
    const cells: BenchCell[] = [];
    for (const strategy of options.strategies) {
      const cell = await measure(workload, strategy, options.seed);
      cells.push(cell);
      options.onCell?.(cell);
    }
    workloads.push({
      name: workload.name,
      title: workload.title,
      description: workload.description,
      profile: workload.plan.profile,
      devices: workload.plan.devices.length,
      edits: workload.edits,
      rows: compareWithBaseline(cells, baseline),
    });
  }
  const all = workloads.flatMap((workload) => workload.rows);
  return {
    benchmark: 'coalescing',
    seed: options.seed,
    client: options.client,
    baseline,
    strategies: options.strategies.map((strategy) => ({
      name: strategy.name,
      ...(strategy.coalescing === undefined ? {} : { coalescing: strategy.coalescing }),
      ...(strategy.batching === undefined ? {} : { batching: strategy.batching }),
    })),
    workloads,
    totals: names.map((name) => strategyTotals(all, name, baseline)),
    allHeld: all.every((row) => !row.flagged),
  };
}
