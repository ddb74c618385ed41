/**
 * @module bench/summary
 * What the cells add up to, pure: the reduction of each cell against the baseline strategy
 * of its workload, a rank per workload (flagged strategies get none), whether coalescing
 * left the converged state as the baseline had it, and totals per strategy over every
 * workload (the per-edit numbers the charts show).
 */
import type { BenchCell } from './measure.ts';

/** Change against the baseline, in percent (negative: fewer); undefined without a baseline. */
export interface Reduction {
  requestsPercent: number | undefined;
  pushRequestsPercent: number | undefined;
  bytesPercent: number | undefined;
}

export interface StrategyTotals {
  strategy: string;
  /** The baseline's own totals. */
  isBaseline: boolean;
  edits: number;
  requests: number;
  pushRequests: number;
  bytes: number;
  requestsPerEdit: number;
  pushRequestsPerEdit: number;
  bytesPerEdit: number;
  reduction: Reduction;
  /** Workloads in which this strategy broke an invariant or changed the converged state. */
  flaggedIn: string[];
}

/** Total bytes on the wire, both directions. */
export function bytesOf(cell: BenchCell): number {
  return cell.metrics.requestBytes + cell.metrics.responseBytes;
}

/** (value - baseline) / baseline in percent, one decimal; undefined when there is no baseline value. */
export function changePercent(value: number, baseline: number | undefined): number | undefined {
  if (baseline === undefined) return undefined;
  if (baseline === 0) return value === 0 ? 0 : undefined;
  return Math.round(((value - baseline) / baseline) * 1000) / 10;
}

export function reductionOf(cell: BenchCell, baseline: BenchCell | undefined): Reduction {
  return {
    requestsPercent: changePercent(cell.metrics.requests, baseline?.metrics.requests),
    pushRequestsPercent: changePercent(cell.metrics.pushRequests, baseline?.metrics.pushRequests),
    bytesPercent: changePercent(bytesOf(cell), baseline === undefined ? undefined : bytesOf(baseline)),
  };
}

/** True when both runs ended with the same live records (compared by ref and fields). */
export function sameConverged(a: BenchCell, b: BenchCell): boolean {
  return JSON.stringify(a.converged) === JSON.stringify(b.converged);
}

/**
 * Ranks of a workload's cells (1 = fewest requests, then fewest bytes; ties share a rank);
 * flagged cells get undefined, by strategy name.
 */
export function ranksOf(cells: readonly BenchCell[]): Map<string, number | undefined> {
  const ranked = cells
    .filter((cell) => !cell.flagged)
    .sort((a, b) => a.metrics.requests - b.metrics.requests || bytesOf(a) - bytesOf(b));
  const ranks = new Map<string, number | undefined>(cells.map((cell) => [cell.strategy, undefined]));
  ranked.forEach((cell, index) => {
    const previous = ranked[index - 1];
    const tied =
      previous !== undefined &&
      previous.metrics.requests === cell.metrics.requests &&
      bytesOf(previous) === bytesOf(cell);
    ranks.set(cell.strategy, tied ? ranks.get(previous.strategy) : index + 1);
  });
  return ranks;
}

function perEdit(value: number, edits: number): number {
  return edits === 0 ? 0 : Math.round((value / edits) * 100) / 100;
}

/** Totals of one strategy over every workload, compared with the baseline's totals. */
export function strategyTotals(
  cells: readonly BenchCell[],
  strategy: string,
  baseline: string | undefined,
): StrategyTotals {
  const sum = (name: string, pick: (cell: BenchCell) => number) =>
    cells.filter((cell) => cell.strategy === name).reduce((total, cell) => total + pick(cell), 0);
  const edits = sum(strategy, (cell) => cell.metrics.edits);
  const requests = sum(strategy, (cell) => cell.metrics.requests);
  const pushRequests = sum(strategy, (cell) => cell.metrics.pushRequests);
  const bytes = sum(strategy, bytesOf);
  const hasBaseline = baseline !== undefined && cells.some((cell) => cell.strategy === baseline);
  const base = (pick: (cell: BenchCell) => number) => (hasBaseline ? sum(baseline as string, pick) : undefined);
  return {
    strategy,
    isBaseline: hasBaseline && strategy === baseline,
    edits,
    requests,
    pushRequests,
    bytes,
    requestsPerEdit: perEdit(requests, edits),
    pushRequestsPerEdit: perEdit(pushRequests, edits),
    bytesPerEdit: perEdit(bytes, edits),
    reduction: {
      requestsPercent: changePercent(
        requests,
        base((cell) => cell.metrics.requests),
      ),
      pushRequestsPercent: changePercent(
        pushRequests,
        base((cell) => cell.metrics.pushRequests),
      ),
      bytesPercent: changePercent(bytes, base(bytesOf)),
    },
    flaggedIn: cells.filter((cell) => cell.strategy === strategy && cell.flagged).map((cell) => cell.workload),
  };
}
