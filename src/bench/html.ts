/**
 * @module bench/html
 * The benchmark as one self-contained HTML page: what the numbers mean, bar charts of
 * requests and bytes per user edit (per workload and over all of them), the totals, and a
 * table per workload. Inline CSS and SVG only (no script, no URL); every string from a run
 * (workload, strategy, client names, invariant names) is escaped.
 */
import { type Bar, type BarGroup, renderBarChart } from './chart.ts';
import { escapeHtml } from './escape.ts';
import type { BenchResult, BenchRow, BenchWorkloadResult } from './run.ts';
import { bytesOf, type StrategyTotals } from './summary.ts';
import { formatChange } from './table.ts';

const STYLE = `
body { margin: 0; padding: 16px 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 20px 0 4px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #d9dde5; padding: 3px 8px; text-align: left; white-space: nowrap; }
th { background: #f5f6f9; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fff0f0; } .flag { color: #c62828; font-weight: 600; }
.note { color: #5b6475; font-size: 12px; } .chart { display: block; margin: 8px 0 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; } dt { font-weight: 600; } dd { margin: 0; }
`;

function cell(text: string, numeric = false): string {
  return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
}

function table(headers: readonly string[], rows: readonly { cells: string; flagged: boolean }[]): string {
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr${row.flagged ? ' class="flagged"' : ''}>${row.cells}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function checks(row: BenchRow): string {
  if (!row.flagged) return cell('ok');
  const reasons = [...row.violations, ...(row.stateMatchesBaseline === false ? ['converged state differs'] : [])];
  return `<td class="flag">${escapeHtml(`flagged: ${reasons.join(', ')}`)}</td>`;
}

function workloadSection(workload: BenchWorkloadResult): string {
  const rows = workload.rows.map((row) => ({
    flagged: row.flagged,
    cells: [
      cell(row.rank === undefined ? '-' : String(row.rank), true),
      cell(row.strategy),
      cell(String(row.metrics.requests), true),
      cell(formatChange(row, row.reduction.requestsPercent), true),
      cell(String(row.metrics.pushRequests), true),
      cell(String(row.metrics.requestBytes), true),
      cell(String(row.metrics.responseBytes), true),
      cell(formatChange(row, row.reduction.bytesPercent), true),
      cell(String(row.metrics.opsApplied), true),
      cell(String(row.metrics.conflicts), true),
      cell(`${row.metrics.convergeMs} ms`, true),
      cell(`${row.metrics.lastApplyMs} ms`, true),
      cell(`${Math.round(row.metrics.wallMs)} ms`, true),
      checks(row),
    ].join(''),
  }));
  const headers = [
    '#',
    'strategy',
    'requests',
    'Δ req',
    'pushes',
    'request bytes',
    'response bytes',
    'Δ bytes',
    'ops applied',
    '409s',
    'converged after',
    'last apply at',
    'wall',
    'checks',
  ];
  const facts = `${workload.edits} user edits, ${workload.devices} device(s), profile ${workload.profile}`;
  return `<h3>${escapeHtml(workload.title)} <span class="note">(${escapeHtml(workload.name)})</span></h3>
<p>${escapeHtml(workload.description)} <span class="note">${escapeHtml(facts)}</span></p>
${table(headers, rows)}`;
}

function totalsSection(totals: readonly StrategyTotals[]): string {
  const rows = totals.map((row) => ({
    flagged: row.flaggedIn.length > 0,
    cells: [
      cell(row.strategy),
      cell(String(row.edits), true),
      cell(String(row.requests), true),
      cell(row.requestsPerEdit.toFixed(2), true),
      cell(formatChange(row, row.reduction.requestsPercent), true),
      cell(row.pushRequestsPerEdit.toFixed(2), true),
      cell(formatChange(row, row.reduction.pushRequestsPercent), true),
      cell(row.bytesPerEdit.toFixed(0), true),
      cell(formatChange(row, row.reduction.bytesPercent), true),
      row.flaggedIn.length === 0
        ? cell('ok')
        : `<td class="flag">${escapeHtml(`flagged in ${row.flaggedIn.join(', ')}`)}</td>`,
    ].join(''),
  }));
  const headers = [
    'strategy',
    'edits',
    'requests',
    'requests / edit',
    'Δ req',
    'pushes / edit',
    'Δ push',
    'bytes / edit',
    'Δ bytes',
    'checks',
  ];
  return table(headers, rows);
}

type PerEdit = (row: BenchRow, edits: number) => number;

function chartGroups(result: BenchResult, perEdit: PerEdit, total: (row: StrategyTotals) => number): BarGroup[] {
  const groups: BarGroup[] = result.workloads.map((workload) => ({
    label: workload.name,
    bars: workload.rows.map(
      (row): Bar => ({ series: row.strategy, value: perEdit(row, workload.edits), flagged: row.flagged }),
    ),
  }));
  groups.push({
    label: 'all workloads',
    bars: result.totals.map(
      (row): Bar => ({ series: row.strategy, value: total(row), flagged: row.flaggedIn.length > 0 }),
    ),
  });
  return groups;
}

const MEANINGS: readonly [string, string][] = [
  [
    'requests',
    'HTTP requests on the wire: pushes, pulls, token refreshes, retries (duplicates the network made included).',
  ],
  ['pushes', 'POST /sync/ops and POST /sync/batch requests: what coalescing and batching act on.'],
  ['bytes', 'Request and response bodies (headers not counted).'],
  ['ops applied', 'Ops the server applied; 409s: conflicts it answered.'],
  [
    'converged after',
    'Virtual ms from just after the last step until every device showed the server state, nothing pending (100 ms steps).',
  ],
  ['Δ', "Change against the 'none' strategy on the same workload; negative is fewer."],
  ['flagged', 'The run broke an invariant, or ended with other records than none: not ranked.'],
];

/** The benchmark page. */
export function renderBenchHtml(result: BenchResult): string {
  const perEditRequests: PerEdit = (row, edits) => (edits === 0 ? 0 : row.metrics.requests / edits);
  const perEditBytes: PerEdit = (row, edits) => (edits === 0 ? 0 : bytesOf(row) / edits);
  const series = result.strategies.map((strategy) => strategy.name);
  const requestsChart = renderBarChart({
    title: 'HTTP requests per user edit',
    unit: 'requests / edit',
    series,
    groups: chartGroups(result, perEditRequests, (row) => row.requestsPerEdit),
  });
  const bytesChart = renderBarChart({
    title: 'Bytes on the wire per user edit (request + response bodies)',
    unit: 'bytes / edit',
    series,
    groups: chartGroups(result, perEditBytes, (row) => row.bytesPerEdit),
    digits: 0,
  });
  const runs = result.workloads.reduce((count, workload) => count + workload.rows.length, 0);
  const meta = `client ${result.client} · seed ${result.seed} · ${runs} runs · ${result.allHeld ? 'every run held every invariant' : 'some runs were flagged'}`;
  const meanings = MEANINGS.map(([term, text]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(text)}</dd>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`syncstorm coalescing benchmark: ${result.client}`)}</title><style>${STYLE}</style></head>
<body>
<h1>Outbox coalescing benchmark</h1>
<p class="note">${escapeHtml(meta)}. Every number but wall time is deterministic: the same seed gives the same numbers.</p>
<dl>${meanings}</dl>
<h2>Requests per user edit</h2>
${requestsChart}
<h2>Bytes per user edit</h2>
${bytesChart}
<h2>All workloads</h2>
${totalsSection(result.totals)}
<h2>Per workload</h2>
${result.workloads.map(workloadSection).join('\n')}
</body></html>
`;
}
