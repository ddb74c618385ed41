/**
 * Goal: the benchmark's outputs are safe and readable: every name from a run is escaped in
 * the HTML page and its SVG charts, the page loads nothing from outside, the charts carry
 * one bar per workload × strategy (plus the totals), a flagged bar says so, and the
 * percentages read as changes against the baseline. Method: run one workload with a client
 * whose name is an HTML injection, render the page, and inspect the markup; render a chart
 * and format numbers directly.
 */
import { describe, expect, it } from 'vitest';
import {
  benchWorkloads,
  changePercent,
  clientStrategy,
  formatPercent,
  renderBarChart,
  renderBenchHtml,
  renderBenchTable,
  runCoalescingBench,
} from '../../src/bench/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';

const HOSTILE = `<script>alert("x")</script>&'`;

describe('benchmark rendering', () => {
  it('escapes every name in the HTML page and loads nothing from elsewhere', async () => {
    const workloads = benchWorkloads().filter((workload) => workload.name === 'edits-then-delete');
    const result = await runCoalescingBench({
      seed: '1',
      strategies: [clientStrategy(createReferenceClient({ name: HOSTILE }))],
      workloads,
      client: HOSTILE,
    });
    const html = renderBenchHtml(result);
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(html).not.toMatch(/\s(src|href)=|url\(|@import/i);
    expect(html.match(/<svg /g)).toHaveLength(2);
    // One bar per workload × strategy, plus one per strategy for all workloads; per chart.
    expect(html.match(/<rect x="170"/g)).toHaveLength(2 * (1 + 1));
    expect(renderBenchTable(result)).toContain(HOSTILE);
  });

  it('draws a flagged bar grey with a dashed outline and says it is flagged', () => {
    const svg = renderBarChart({
      title: 'requests <per> edit',
      unit: 'requests / edit',
      series: ['none', 'bad'],
      groups: [
        {
          label: 'w',
          bars: [
            { series: 'none', value: 2, flagged: false },
            { series: 'bad', value: 1, flagged: true },
          ],
        },
      ],
    });
    expect(svg).toContain('aria-label="requests &lt;per&gt; edit"');
    expect(svg).toContain('1.00 (flagged)');
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(1);
    // The longest bar spans the plot width (760 - 170 - 110); the other is half of it.
    expect(svg).toContain('width="480.0"');
    expect(svg).toContain('width="240.0"');
  });

  it('writes changes as signed percentages against the baseline', () => {
    expect(changePercent(6, 29)).toBe(-79.3);
    expect(changePercent(29, 29)).toBe(0);
    expect(changePercent(3, 0)).toBeUndefined();
    expect(changePercent(3, undefined)).toBeUndefined();
    expect(formatPercent(-79.3)).toBe('-79.3%');
    expect(formatPercent(3.1)).toBe('+3.1%');
    expect(formatPercent(undefined)).toBe('-');
  });
});
