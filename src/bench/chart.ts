/**
 * @module bench/chart
 * Horizontal grouped bar charts as inline SVG (no script, no external resource): one group
 * per workload, one bar per strategy, a legend on top. Every label is escaped; a flagged
 * bar is drawn grey with a dashed red outline and says so, because it must not be read as
 * a result to compare.
 */
import { assert } from '../kernel/assert.ts';
import { escapeHtml } from './escape.ts';

export interface Bar {
  series: string;
  value: number;
  flagged: boolean;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChartOptions {
  /** Used as the accessible name and the caption. */
  title: string;
  /** After each value ('requests / edit'). */
  unit: string;
  /** Series in legend order; a bar's colour is its series' place in this list. */
  series: readonly string[];
  groups: readonly BarGroup[];
  /** Digits after the point in value labels. Default 2. */
  digits?: number;
}

const WIDTH = 760;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 110;
const BAR_HEIGHT = 12;
const BAR_GAP = 2;
const GROUP_GAP = 12;
const LEGEND_ITEM_WIDTH = 125;
const LEGEND_ROW_HEIGHT = 18;
const PALETTE = ['#8e99ab', '#1f77b4', '#2ca02c', '#5b6475', '#ff7f0e', '#9467bd', '#17becf', '#bcbd22'];
const FLAGGED_FILL = '#d0d0d0';

/** Bound on bars in one chart (a chart past it is unreadable anyway). */
export const BARS_MAX = 2_000;

function colour(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

function legend(series: readonly string[]): { svg: string; height: number } {
  const perRow = Math.max(1, Math.floor(WIDTH / LEGEND_ITEM_WIDTH));
  const items = series.map((name, index) => {
    const x = (index % perRow) * LEGEND_ITEM_WIDTH;
    const y = Math.floor(index / perRow) * LEGEND_ROW_HEIGHT;
    return `<g transform="translate(${x},${y})"><rect width="12" height="12" fill="${colour(index)}"/><text x="16" y="10">${escapeHtml(name)}</text></g>`;
  });
  return { svg: items.join(''), height: Math.ceil(series.length / perRow) * LEGEND_ROW_HEIGHT + 6 };
}

function barSvg(bar: Bar, y: number, scale: number, seriesIndex: number, options: BarChartOptions): string {
  const digits = options.digits ?? 2;
  const length = Math.max(bar.value > 0 ? 1 : 0, bar.value * scale);
  const label = `${bar.value.toFixed(digits)}${bar.flagged ? ' (flagged)' : ''}`;
  const tooltip = `${bar.series}: ${bar.value.toFixed(digits)} ${options.unit}${bar.flagged ? ' (flagged: broke an invariant)' : ''}`;
  const style = bar.flagged
    ? `fill="${FLAGGED_FILL}" stroke="#c62828" stroke-dasharray="3 2"`
    : `fill="${colour(seriesIndex)}"`;
  return (
    `<g><title>${escapeHtml(tooltip)}</title>` +
    `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" ${style}/>` +
    `<text x="${(LABEL_WIDTH + length + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 2}">${escapeHtml(label)}</text></g>`
  );
}

/** An SVG bar chart; values must be finite and >= 0. */
export function renderBarChart(options: BarChartOptions): string {
  const bars = options.groups.flatMap((group) => group.bars);
  assert(bars.length <= BARS_MAX, `renderBarChart: more than ${BARS_MAX} bars`);
  for (const bar of bars)
    assert(Number.isFinite(bar.value) && bar.value >= 0, `renderBarChart: bad value ${bar.value}`);
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const scale = max === 0 ? 0 : (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / max;
  const top = legend(options.series);
  const parts: string[] = [];
  let y = top.height;
  for (const group of options.groups) {
    const groupHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP);
    parts.push(
      `<text class="group" x="0" y="${y + Math.min(groupHeight, BAR_HEIGHT + BAR_GAP) - 3}">${escapeHtml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const index = Math.max(0, options.series.indexOf(bar.series));
      parts.push(barSvg(bar, y, scale, index, options));
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const title = escapeHtml(options.title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${title}" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-size="11" font-family="system-ui, sans-serif">` +
    `<title>${title}</title>${top.svg}${parts.join('')}</svg>`
  );
}
