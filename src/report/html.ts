/**
 * @module report/html
 * report.html: one self-contained page (inline CSS and script, no external URL). The header
 * and overview table are rendered here with every string HTML-escaped; the per-run details
 * are drawn by the inline script from a JSON block in which `<` is written `\u003c`. A CSP
 * allows that one script by its hash, so nothing injected could run even if it got through.
 */
import { createHash } from 'node:crypto';
import type { RunResult } from '../sim/result.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import {
  buildReportModel,
  type HtmlOptions,
  MODEL_FORMAT_VERSION,
  type OverviewRow,
  type ReportModel,
} from './html-model.ts';
import { REPORT_SCRIPT } from './html-script.ts';
import { REPORT_STYLE } from './html-style.ts';
import type { ReportOptions } from './runs.ts';
import { buildSummary } from './summary.ts';

const DATA_ID = 'syncstorm-data';
const DATA_OPEN = `<script type="application/json" id="${DATA_ID}">`;
const DATA_CLOSE = '</script>';

function contentSecurityPolicy(): string {
  const scriptHash = createHash('sha256').update(REPORT_SCRIPT, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${scriptHash}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function cell(text: string, className = ''): string {
  return `<td${className === '' ? '' : ` class="${className}"`}>${escapeHtml(text)}</td>`;
}

/** A count as text; a merged model is read from disk, so numbers are not taken on trust. */
function count(value: unknown): string {
  return String(Number.isFinite(value) ? value : 0);
}

function overviewRow(row: OverviewRow): string {
  const detail = Number.isInteger(row.detail) ? row.detail : null;
  const name = detail === null ? escapeHtml(row.name) : `<a href="#run-${detail}">${escapeHtml(row.name)}</a>`;
  const repro = row.repro === null ? '' : row.repro + (row.steps === null ? '' : ` (${count(row.steps)} steps)`);
  const status = escapeHtml(row.status);
  return [
    '<tr>',
    `<td><span class="status status-${status}">${status}</span></td>`,
    `<td>${name}</td>`,
    cell(row.seed, 'mono'),
    cell(row.invariants.join(', ')),
    cell(row.headline),
    cell(repro, 'mono'),
    cell(row.client),
    cell(row.profile),
    cell(`${count(Math.round(row.wallMs))} ms`),
    '</tr>',
  ].join('');
}

function overview(model: ReportModel): string {
  const head = ['status', 'run', 'seed', 'invariant', 'why', 'repro', 'client', 'profile', 'wall time'];
  const lines = [
    '<h2>Runs</h2>',
    '<table class="overview">',
    `<tr>${head.map((name) => `<th>${name}</th>`).join('')}</tr>`,
    ...model.rows.map(overviewRow),
    '</table>',
  ];
  if (model.rowsOmitted > 0)
    lines.push(`<p class="note">${count(model.rowsOmitted)} more passing runs not listed.</p>`);
  return lines.join('\n');
}

/**
 * What the runs were exercised against, so that a passing report says what held: faults
 * injected per kind, kills, conflicts (409s), requests, ops applied, virtual time.
 */
function exercised(model: ReportModel): string {
  const { stats, faults } = model.summary;
  if (stats === undefined) return '';
  const kinds = Object.entries(faults ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const totalFaults = kinds.reduce((sum, [, value]) => sum + value, 0);
  const facts = [
    `${count(totalFaults)} faults injected`,
    `${count(stats.kills ?? 0)} kills`,
    `${count(stats.conflicts)} conflicts (409)`,
    `${count(stats.exchanges)} requests`,
    `${count(stats.opsApplied)} ops applied`,
    `${count(Math.round(stats.virtualMs / 1000))} s of virtual time`,
    `${count(stats.devices)} devices simulated (all runs)`,
  ];
  const rows = kinds.map(
    ([kind, value]) => `<tr><td>${escapeHtml(kind)}</td><td class="mono">${count(value)}</td></tr>`,
  );
  return [
    '<h2>What was exercised</h2>',
    `<p class="exercised">${facts.map((fact) => `<span>${fact}</span>`).join(' · ')}</p>`,
    rows.length === 0
      ? '<p class="note">No fault was injected in these runs.</p>'
      : `<details><summary>Faults per kind (${count(kinds.length)} kinds)</summary><table class="faults"><tr><th>fault</th><th>injected</th></tr>${rows.join('')}</table></details>`,
  ].join('\n');
}

/** What real time or randomness the runs leaked (docs/virtual-time.md); empty when none. */
function leaks(model: ReportModel): string {
  if (model.leaks === undefined || model.leaks.length === 0) return '';
  return [
    '<h2>Real time leaked</h2>',
    '<p class="note">Device code used real time or randomness that was not virtualized: these runs are not reproducible. See docs/virtual-time.md.</p>',
    `<ul class="leaks">${model.leaks.map((line) => `<li class="mono">${escapeHtml(line)}</li>`).join('')}</ul>`,
  ].join('\n');
}

function header(model: ReportModel): string {
  const { summary } = model;
  const facts = [
    summary.runId === undefined ? '' : `report ${escapeHtml(summary.runId)}`,
    summary.startedAt === undefined ? '' : `started ${escapeHtml(summary.startedAt)}`,
    `client ${escapeHtml(summary.client)}`,
    `profile ${escapeHtml(summary.profile)}`,
  ].filter((fact) => fact !== '');
  const counts = [
    `<span>${count(summary.runs)} runs</span>`,
    `<span>${count(summary.seeds)} seeds</span>`,
    `<span class="status status-passed">${count(summary.passed)} passed</span>`,
    `<span class="status status-failed">${count(summary.failed)} failed</span>`,
    `<span class="status status-error">${count(summary.errors)} errors</span>`,
  ];
  return [
    '<header>',
    '<h1>syncstorm report</h1>',
    `<p class="note">${facts.join(' · ')}</p>`,
    `<p class="counts">${counts.join('')}</p>`,
    '</header>',
  ].join('\n');
}

/** The page for a report model. */
export function renderReportHtml(model: ReportModel): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy())}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>syncstorm report${model.summary.runId === undefined ? '' : ` ${escapeHtml(model.summary.runId)}`}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    header(model),
    '<main>',
    leaks(model),
    exercised(model),
    overview(model),
    '<div id="runs"></div>',
    '<noscript><p class="note">Enable JavaScript to see the per-run timelines and final states.</p></noscript>',
    '</main>',
    `${DATA_OPEN}${jsonForScript(model)}${DATA_CLOSE}`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** report.html for a campaign's results. */
export function renderHtml(results: readonly RunResult[], options: ReportOptions & HtmlOptions = {}): string {
  return renderReportHtml(buildReportModel(results, buildSummary(results, options), options));
}

/** The model embedded in a report.html written by this module (for `report merge`). */
export function readReportModel(html: string): ReportModel {
  const start = html.indexOf(DATA_OPEN);
  const end = start < 0 ? -1 : html.indexOf(DATA_CLOSE, start + DATA_OPEN.length);
  if (start < 0 || end < 0) throw new Error('[syncstorm] report.html has no syncstorm data block');
  const model = JSON.parse(html.slice(start + DATA_OPEN.length, end)) as ReportModel;
  if (model.format !== MODEL_FORMAT_VERSION) {
    throw new Error(`[syncstorm] report.html data format ${String(model.format)} is not ${MODEL_FORMAT_VERSION}`);
  }
  return model;
}
