/**
 * Goal: the summary counts runs by status, lists every violation with its repro, and sums stats.
 * Method: summarise the fixture campaign (2 passing, 1 failing with 2 violations, 1 erroring,
 * 1 missing its expected violation) and check each figure; then round-trip through JSON.
 */
import { describe, expect, it } from 'vitest';
import { buildSummary, renderSummary } from '../../src/report/summary.ts';
import { CLIENT, campaign, failingRun, HOSTILE, PROFILE, REPRO_PATH, REPROS, RUN_NAME } from './fixtures.ts';

describe('buildSummary', () => {
  const summary = buildSummary(campaign(), { repros: REPROS, startedAt: '2025-01-02T03:04:05.000Z', runId: 'r1' });

  it('counts runs by status', () => {
    expect(summary).toMatchObject({
      runs: 5,
      seeds: 5,
      passed: 2,
      failed: 2,
      errors: 1,
      client: CLIENT,
      profile: PROFILE,
    });
    expect(summary.passed + summary.failed + summary.errors).toBe(summary.runs);
    expect(summary.startedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('lists violations with seed, invariant, repro and steps, and missing expectations', () => {
    expect(summary.violations.map((violation) => [violation.invariant, violation.kind])).toEqual([
      ['convergence', 'violation'],
      ['no-silent-loss', 'violation'],
      ['no-duplicates', 'missing'],
    ]);
    expect(summary.violations[0]).toMatchObject({ name: RUN_NAME, seed: '7', repro: REPRO_PATH, steps: 7 });
    expect(summary.violations[2]).toMatchObject({ repro: null, steps: null, seed: '4' });
    expect(summary.errorRuns).toEqual([
      expect.objectContaining({ seed: '3', errors: [`client threw ${HOSTILE.img}`] }),
    ]);
  });

  it('lists the violations a run expected too, each with its expected flag (run --json)', () => {
    expect(summary.violations.map((violation) => violation.expected)).toEqual([false, false, true]);
    const failing = failingRun();
    const caught = { ...failing, name: 'caught', passed: true, expectedViolations: ['convergence'] };
    const listed = buildSummary([caught]).violations;
    expect(listed.map((entry) => [entry.invariant, entry.expected, entry.kind])).toEqual([
      ['convergence', true, 'violation'],
      ['no-silent-loss', false, 'violation'],
    ]);
    expect(buildSummary([caught]).passed).toBe(1);
  });

  it('sums stats and keeps the slowest convergence', () => {
    expect(summary.stats.exchanges).toBe(30);
    expect(summary.stats.wallMs).toBe(11 + 15 + 12 + 13 + 14);
    expect(summary.stats.convergeMsMax).toBe(40);
    expect(summary.declaredLosses).toBe(4);
  });

  it('renders JSON that parses back to itself', () => {
    const text = renderSummary(summary);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(summary);
  });

  it('handles an empty campaign', () => {
    expect(buildSummary([])).toMatchObject({ runs: 0, passed: 0, failed: 0, errors: 0, client: '', violations: [] });
  });
});
