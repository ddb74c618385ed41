/**
 * Goal: writeReports lays out reports/<run>/ with every file, per-failure traces that hash to
 * the run's fingerprint, repro scenarios, and a `latest` that follows the newest report.
 * Method: write the fixture campaign into a temp folder twice and read everything back.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReportModel } from '../../src/report/html.ts';
import { selectAround } from '../../src/report/select.ts';
import type { ReportSummary } from '../../src/report/summary.ts';
import { fileStems, updateLatest, writeReports } from '../../src/report/write.ts';
import { campaign, failingRun, RUN_NAME } from './fixtures.ts';
import { checkXml } from './xml-check.ts';

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'syncstorm-report-'));
  roots.push(root);
  return join(root, 'reports');
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('writeReports', () => {
  it('writes every report, a trace and a diagram per failure, and a repro scenario', () => {
    const root = tempRoot();
    const scenario = { description: 'shrunk', steps: [{ do: 'create' }, { do: 'kill' }, { do: 'sync' }] };
    const written = writeReports(root, campaign(), { runId: 'r1', reproScenarios: { [RUN_NAME]: scenario } });
    expect(written.dir).toBe(join(root, 'r1'));
    const stem = 'seed-7_script_window.__pwned_script_alert_1_script_';
    expect(written.files.sort()).toEqual(
      [
        'summary.json',
        'junit.xml',
        'report.html',
        `trace-${stem}.jsonl`,
        `failure-${stem}.mmd`,
        'failure-seed-3.mmd',
        'failure-expect_svg_onload_window.__pwned_svg_svg_.mmd',
        join('repro', `${stem}.json`),
      ].sort(),
    );
    for (const file of written.files) expect(existsSync(join(written.dir, file))).toBe(true);
    const trace = readFileSync(join(written.dir, `trace-${stem}.jsonl`), 'utf8');
    expect(createHash('sha256').update(trace).digest('hex')).toBe(failingRun().traceHash);
    expect(JSON.parse(readFileSync(join(written.dir, 'repro', `${stem}.json`), 'utf8'))).toEqual(scenario);
    const summary = JSON.parse(readFileSync(join(written.dir, 'summary.json'), 'utf8')) as ReportSummary;
    expect(summary.runId).toBe('r1');
    expect(summary.violations[0]).toMatchObject({
      repro: join(root, 'r1', 'repro', `${stem}.json`),
      steps: 3,
      trace: `trace-${stem}.jsonl`,
      diagram: `failure-${stem}.mmd`,
    });
    expect(summary.errorRuns[0]).toMatchObject({ name: 'seed-3' });
    expect(checkXml(readFileSync(join(written.dir, 'junit.xml'), 'utf8')).errors).toEqual([]);
    const model = readReportModel(readFileSync(join(written.dir, 'report.html'), 'utf8'));
    expect(model.runs[0]!.artifacts).toEqual({ trace: `trace-${stem}.jsonl`, diagram: `failure-${stem}.mmd` });
  });

  it('points latest at the newest report, and never reuses a folder', () => {
    const root = tempRoot();
    const first = writeReports(root, campaign(), { runId: 'same' });
    expect(first.latest).toBe('symlink');
    expect(readlinkSync(join(root, 'latest'))).toBe('same');
    const second = writeReports(root, campaign(), { runId: 'same' });
    expect(second.runId).toBe('same-2');
    expect(readlinkSync(join(root, 'latest'))).toBe('same-2');
    expect(existsSync(join(root, 'latest', 'report.html'))).toBe(true);
    const third = writeReports(root, [], { runId: 'quiet', latest: false });
    expect(third.latest).toBe('none');
    expect(readlinkSync(join(root, 'latest'))).toBe('same-2');
  });

  it('replaces a latest folder left by the copy fallback', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'latest'), { recursive: true });
    writeFileSync(join(root, 'latest', 'stale.txt'), 'old');
    writeReports(root, campaign(), { runId: 'r2' });
    expect(lstatSync(join(root, 'latest')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(root, 'latest', 'stale.txt'))).toBe(false);
    expect(updateLatest(root, 'r2')).toBe('symlink');
  });

  it('refuses run ids that are not one plain path segment', () => {
    const root = tempRoot();
    for (const runId of ['../x', 'a/b', 'latest', '', '.hidden']) {
      expect(() => writeReports(root, [], { runId })).toThrow(/run id/);
    }
  });

  it('gives distinct file stems to names that sanitise alike', () => {
    const stems = fileStems(['a b', 'a/b', 'A_B', 'a b']);
    expect([...stems.values()]).toEqual(['a_b', 'a_b-2', 'A_B-3']);
  });
});

describe('selectAround', () => {
  const items = Array.from({ length: 100 }, (_, seq) => ({ seq }));

  it('keeps everything under the bound', () => {
    expect(selectAround(items.slice(0, 5), new Set(), 10).kept).toHaveLength(5);
  });

  it('keeps the end of the run when nothing is witnessed', () => {
    const selection = selectAround(items, new Set(), 10);
    expect(selection.kept.map((kept) => kept.item.seq)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(selection.kept[0]!.skippedBefore).toBe(90);
    expect(selection.skippedAfter).toBe(0);
  });

  it('keeps every witness and more context before than after', () => {
    const selection = selectAround(items, new Set([10, 60]), 16);
    const seqs = selection.kept.map((kept) => kept.item.seq);
    expect(seqs).toHaveLength(16);
    expect(seqs).toContain(10);
    expect(seqs).toContain(60);
    expect(seqs.filter((seq) => seq < 60 && seq > 40).length).toBeGreaterThan(seqs.filter((seq) => seq > 60).length);
    expect(
      selection.kept.reduce((sum, kept) => sum + kept.skippedBefore, 0) + seqs.length + selection.skippedAfter,
    ).toBe(100);
  });
});
