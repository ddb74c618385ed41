/**
 * Goal: `report merge` joins shard reports into one with summed counts, one JUnit document,
 * every run in report.html, and per-failure files copied (renamed on a clash, references
 * rewritten). Method: write the fixture campaign as two shards, merge, read everything back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReportModel } from '../../src/report/html.ts';
import { mergeReportDirs, mergeSummaries, ReportInputError } from '../../src/report/merge.ts';
import { buildSummary, type ReportSummary } from '../../src/report/summary.ts';
import { INCOMPLETE_MARKER, writeReports } from '../../src/report/write.ts';
import { campaign, failingRun, passingRun, RUN_NAME } from './fixtures.ts';
import { checkXml } from './xml-check.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function shards() {
  const base = mkdtempSync(join(tmpdir(), 'syncstorm-merge-'));
  roots.push(base);
  const root = join(base, 'reports');
  const scenario = { steps: [{ do: 'sync' }] };
  // Both shards hold a run of the same name, so their per-failure files clash.
  const one = writeReports(root, campaign(), {
    runId: 's1',
    startedAt: '2025-01-02T00:00:02Z',
    reproScenarios: { [RUN_NAME]: scenario },
  });
  const two = writeReports(root, [failingRun(), passingRun(9)], {
    runId: 's2',
    startedAt: '2025-01-02T00:00:01Z',
    reproScenarios: { [RUN_NAME]: scenario },
  });
  return { root, one, two };
}

describe('mergeSummaries', () => {
  it('sums counts and stats and concatenates violations', () => {
    const a = buildSummary(campaign());
    const b = buildSummary([failingRun(), passingRun(9)]);
    const merged = mergeSummaries([a, b], ['a', 'b']);
    expect(merged).toMatchObject({ runs: 7, passed: 3, failed: 3, errors: 1, mergedFrom: ['a', 'b'] });
    expect(merged.violations).toHaveLength(a.violations.length + b.violations.length);
    expect(merged.stats.exchanges).toBe(a.stats.exchanges + b.stats.exchanges);
    expect(merged.stats.convergeMsMax).toBe(Math.max(a.stats.convergeMsMax, b.stats.convergeMsMax));
  });
});

describe('mergeReportDirs', () => {
  it('writes one report from several shard folders', () => {
    const { root, one, two } = shards();
    const merged = mergeReportDirs([one.dir, two.dir], root, { runId: 'merged' });
    const summary = JSON.parse(readFileSync(join(merged.dir, 'summary.json'), 'utf8')) as ReportSummary;
    expect(summary).toMatchObject({ runs: 7, passed: 3, failed: 3, errors: 1, startedAt: '2025-01-02T00:00:01Z' });
    expect(summary.mergedFrom).toEqual([one.dir, two.dir]);

    const junit = checkXml(readFileSync(join(merged.dir, 'junit.xml'), 'utf8'));
    expect(junit.errors).toEqual([]);
    expect(junit.elements.get('testcase')).toBe(7);
    const rootTag = junit.tags.find((tag) => tag.name === 'testsuites')!;
    expect(Object.fromEntries(rootTag.attributes)).toMatchObject({ tests: '7', failures: '3', errors: '1' });

    const model = readReportModel(readFileSync(join(merged.dir, 'report.html'), 'utf8'));
    expect(model.rows).toHaveLength(7);
    expect(model.runs).toHaveLength(4);
    expect(model.rows.filter((row) => row.detail !== null).map((row) => row.detail)).toEqual([0, 1, 2, 3]);
    expect(model.summary.runs).toBe(7);

    // The second shard's clashing files were renamed, and its references follow.
    const stem = 'seed-7_script_window.__pwned_script_alert_1_script_';
    const second = summary.violations.filter((violation) => violation.name === RUN_NAME)[2]!;
    expect(second.trace).toBe(`trace-${stem}.s2.jsonl`);
    expect(second.repro).toBe(join(merged.dir, 'repro', `${stem}.s2.json`));
    for (const file of [second.trace!, second.diagram!, `trace-${stem}.jsonl`])
      expect(existsSync(join(merged.dir, file))).toBe(true);
    expect(existsSync(second.repro!)).toBe(true);
    expect(model.runs[3]!.artifacts.trace).toBe(`trace-${stem}.s2.jsonl`);
    expect(model.runs[3]!.replay).toBe(`syncstorm run ${second.repro}`);
    expect(mergeReportDirs([one.dir], root, { runId: 'merged' }).runId).toBe('merged-2');
    expect(readFileSync(join(root, 'latest', 'summary.json'), 'utf8')).toContain('"runs": 5');
  });

  it('rejects a folder that is not a report, naming it', () => {
    const { root, one } = shards();
    const bogus = join(root, 'bogus');
    expect(() => mergeReportDirs([one.dir, bogus], root, { runId: 'm1' })).toThrow(ReportInputError);
    expect(() => mergeReportDirs([one.dir, bogus], root, { runId: 'm2' })).toThrow(/bogus.*summary\.json not found/);
    writeFileSync(join(one.dir, 'summary.json'), '{"tool":"other"}');
    expect(() => mergeReportDirs([one.dir], root, { runId: 'm3' })).toThrow(/not a syncstorm summary/);
    expect(() => mergeReportDirs([], root, { runId: 'm4' })).toThrow(ReportInputError);
  });

  it('marks folders incomplete while writing and refuses an interrupted one', () => {
    const { root, one, two } = shards();
    // A finished folder holds no marker; one that still holds it was interrupted.
    expect(existsSync(join(one.dir, INCOMPLETE_MARKER))).toBe(false);
    writeFileSync(join(two.dir, INCOMPLETE_MARKER), 'interrupted');
    expect(() => mergeReportDirs([one.dir, two.dir], root, { runId: 'm5' })).toThrow(
      new RegExp(`s2 is incomplete \\(it holds ${INCOMPLETE_MARKER}`),
    );
    // A write that fails half-way (a repro that cannot be serialised) leaves the marker.
    const broken = { reproScenarios: { [RUN_NAME]: { steps: [], bad: 1n } }, runId: 'broken' };
    expect(() => writeReports(root, campaign(), broken)).toThrow(TypeError);
    expect(existsSync(join(root, 'broken', INCOMPLETE_MARKER))).toBe(true);
    expect(existsSync(join(root, 'broken', 'summary.json'))).toBe(false);
    const merged = mergeReportDirs([one.dir], root, { runId: 'm6' });
    expect(existsSync(join(merged.dir, INCOMPLETE_MARKER))).toBe(false);
    expect(existsSync(join(merged.dir, 'summary.json'))).toBe(true);
  });
});
