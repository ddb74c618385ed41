// Goal: a run's leaks of real time (docs/virtual-time.md) reach summary.json and report.html,
// escaped, survive a merge of shards, and leave a clean campaign's summary and page as they
// were. Method: hand-built RunResults from fixtures.ts, one given a leak with a hostile site.
import { describe, expect, test } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import { buildReportModel } from '../../src/report/html-model.ts';
import { mergeModels, mergeSummaries } from '../../src/report/merge.ts';
import { buildSummary } from '../../src/report/summary.ts';
import type { RunResult } from '../../src/sim/result.ts';
import { HOSTILE, passingRun } from './fixtures.ts';

function leaking(seed: number): RunResult {
  return {
    ...passingRun(seed),
    leaks: [{ device: 'phone', api: 'setTimeout', count: 38, site: `node_modules/x/${HOSTILE.script}.js:120` }],
  };
}

describe('leaks in reports', () => {
  test('summary.json lists each leak with its run; a clean campaign has no leaks field', () => {
    const summary = buildSummary([passingRun(1), leaking(2)]);
    expect(summary.leaks).toEqual([
      {
        name: leaking(2).name,
        seed: leaking(2).seed,
        device: 'phone',
        api: 'setTimeout',
        count: 38,
        site: `node_modules/x/${HOSTILE.script}.js:120`,
      },
    ]);
    expect('leaks' in buildSummary([passingRun(1)])).toBe(false);
  });

  test('report.html shows the leak, escaped; a clean page has no leak section', () => {
    const html = renderHtml([passingRun(1), leaking(2)]);
    expect(html).toContain('Real time leaked');
    expect(html).toContain('phone: 38 real setTimeout calls, first at node_modules/x/');
    expect(html).not.toContain(`/${HOSTILE.script}.js`);
    expect(renderHtml([passingRun(1)])).not.toContain('Real time leaked');
  });

  test('merging shards keeps every leak', () => {
    const first = [leaking(2)];
    const second = [leaking(3)];
    const [firstSummary, secondSummary] = [buildSummary(first), buildSummary(second)];
    const merged = mergeSummaries([firstSummary, secondSummary]);
    expect(merged.leaks?.map((leak) => leak.seed)).toEqual([leaking(2).seed, leaking(3).seed]);
    const models = [buildReportModel(first, firstSummary), buildReportModel(second, secondSummary)];
    expect(mergeModels(models, merged).leaks).toHaveLength(2);
  });
});
