/**
 * @module bench
 * The coalescing benchmark: workloads written as plans, the reference client's strategies
 * (or a user's client as it is), one full simulated run per workload × strategy with every
 * checker, and the numbers as a terminal table, bench.json and an HTML page with charts.
 */
export { type Bar, type BarChartOptions, type BarGroup, renderBarChart } from './chart.ts';
export { renderBenchHtml } from './html.ts';
export {
  type BenchCell,
  type BenchMetrics,
  CONVERGE_SLICE_MS,
  type ConvergedRecord,
  convergedByRef,
  measure,
} from './measure.ts';
export {
  BENCH_RUNS_MAX,
  type BenchOptions,
  type BenchResult,
  type BenchRow,
  type BenchWorkloadResult,
  runCoalescingBench,
} from './run.ts';
export {
  BASELINE_STRATEGY,
  type BenchStrategy,
  clientStrategy,
  referenceStrategies,
  strategyName,
} from './strategies.ts';
export { bytesOf, changePercent, type Reduction, ranksOf, type StrategyTotals, sameConverged } from './summary.ts';
export { formatChange, formatPercent, renderBenchTable } from './table.ts';
export { type BenchWorkload, benchWorkloads, WORKLOAD_NAMES } from './workloads.ts';
export { BENCH_HTML_FILE, BENCH_JSON_FILE, benchJson, renderBenchJson, writeBenchFiles } from './write.ts';
