/**
 * @module bench/table
 * The benchmark as aligned plain-text tables: one per workload (a row per strategy, with
 * the change against 'none' in percent), then the totals per strategy over every workload.
 * Numbers are right-aligned, names left-aligned; no colour (the CLI may add it).
 */
import type { BenchResult, BenchRow, BenchWorkloadResult } from './run.ts';
import type { StrategyTotals } from './summary.ts';

type Align = 'left' | 'right';

interface Column<T> {
  header: string;
  align: Align;
  cell: (row: T) => string;
}

/** A signed percentage ('-62.5%', '+3.1%', '0.0%'), or '-' when there is nothing to compare with. */
export function formatPercent(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value === 0) return '0.0%';
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/** A row's change against the baseline: 'base' on the baseline's own row. */
export function formatChange(row: { isBaseline: boolean }, value: number | undefined): string {
  return row.isBaseline ? 'base' : formatPercent(value);
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** Renders rows under headers, each column as wide as its widest cell. */
export function renderColumns<T>(columns: readonly Column<T>[], rows: readonly T[], indent = '  '): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] as string).length)),
  );
  const line = (values: readonly string[]) =>
    `${indent}${values
      .map((value, index) =>
        columns[index]?.align === 'right'
          ? value.padStart(widths[index] as number)
          : value.padEnd(widths[index] as number),
      )
      .join('  ')
      .trimEnd()}`;
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

function verdict(row: BenchRow): string {
  if (!row.flagged) return 'ok';
  const reasons = [...row.violations, ...(row.stateMatchesBaseline === false ? ['converged state differs'] : [])];
  return `FLAGGED: ${reasons.join(', ')}`;
}

const ROW_COLUMNS: readonly Column<BenchRow>[] = [
  { header: '#', align: 'right', cell: (row) => (row.rank === undefined ? '-' : String(row.rank)) },
  { header: 'strategy', align: 'left', cell: (row) => row.strategy },
  { header: 'requests', align: 'right', cell: (row) => String(row.metrics.requests) },
  { header: 'Δ req', align: 'right', cell: (row) => formatChange(row, row.reduction.requestsPercent) },
  { header: 'pushes', align: 'right', cell: (row) => String(row.metrics.pushRequests) },
  { header: 'Δ push', align: 'right', cell: (row) => formatChange(row, row.reduction.pushRequestsPercent) },
  { header: 'req B', align: 'right', cell: (row) => String(row.metrics.requestBytes) },
  { header: 'resp B', align: 'right', cell: (row) => String(row.metrics.responseBytes) },
  { header: 'Δ bytes', align: 'right', cell: (row) => formatChange(row, row.reduction.bytesPercent) },
  { header: 'ops', align: 'right', cell: (row) => String(row.metrics.opsApplied) },
  { header: '409s', align: 'right', cell: (row) => String(row.metrics.conflicts) },
  { header: 'converged', align: 'right', cell: (row) => ms(row.metrics.convergeMs) },
  { header: 'last apply', align: 'right', cell: (row) => ms(row.metrics.lastApplyMs) },
  { header: 'wall', align: 'right', cell: (row) => ms(row.metrics.wallMs) },
  { header: 'checks', align: 'left', cell: verdict },
];

const TOTAL_COLUMNS: readonly Column<StrategyTotals>[] = [
  { header: 'strategy', align: 'left', cell: (row) => row.strategy },
  { header: 'edits', align: 'right', cell: (row) => String(row.edits) },
  { header: 'requests', align: 'right', cell: (row) => String(row.requests) },
  { header: 'req/edit', align: 'right', cell: (row) => row.requestsPerEdit.toFixed(2) },
  { header: 'Δ req', align: 'right', cell: (row) => formatChange(row, row.reduction.requestsPercent) },
  { header: 'push/edit', align: 'right', cell: (row) => row.pushRequestsPerEdit.toFixed(2) },
  { header: 'Δ push', align: 'right', cell: (row) => formatChange(row, row.reduction.pushRequestsPercent) },
  { header: 'bytes/edit', align: 'right', cell: (row) => row.bytesPerEdit.toFixed(0) },
  { header: 'Δ bytes', align: 'right', cell: (row) => formatChange(row, row.reduction.bytesPercent) },
  {
    header: 'checks',
    align: 'left',
    cell: (row) => (row.flaggedIn.length === 0 ? 'ok' : `FLAGGED in ${row.flaggedIn.join(', ')}`),
  },
];

/** `1 run`, `36 runs`. */
function count(value: number, noun: string, plural = `${noun}s`): string {
  return `${value} ${value === 1 ? noun : plural}`;
}

function workloadTable(workload: BenchWorkloadResult): string {
  const heading = `${workload.name}: ${workload.title} (${count(workload.edits, 'edit')}, ${count(workload.devices, 'device')}, ${workload.profile})`;
  return `${heading}\n${renderColumns(ROW_COLUMNS, workload.rows)}`;
}

/** The whole benchmark for a terminal. */
export function renderBenchTable(result: BenchResult): string {
  const runs = result.workloads.reduce((total, workload) => total + workload.rows.length, 0);
  const against = result.baseline === undefined ? 'no baseline' : `Δ against '${result.baseline}'`;
  const shape = `${count(result.workloads.length, 'workload')} × ${count(result.strategies.length, 'strategy', 'strategies')}`;
  const header = `coalescing benchmark: client ${result.client}, seed ${result.seed}, ${shape} (${count(runs, 'run')}; ${against})`;
  const totals = `all workloads\n${renderColumns(TOTAL_COLUMNS, result.totals)}`;
  return `${[header, ...result.workloads.map(workloadTable), totals].join('\n\n')}\n`;
}
