/**
 * Goal: the leak tripwire reaches the user: with `--real-globals` an engine's Date.now()
 * is reported in the terminal with its file and line, the verdict line says the run leaked,
 * summary.json lists the leak, report.html shows it, and `--strict-time` makes the run fail
 * (exit 1, violation time-leak); without the flag nothing leaks. Method: spawn the binary
 * on scenarios/clock-skew.json with test/cli/fixtures/date-engine.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syncstorm } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLIENT = 'test/cli/fixtures/date-engine.ts';
const SCENARIO = 'scenarios/clock-skew.json';

describe('--real-globals and --strict-time', () => {
  it('virtual by default: no leak, exit 0', () => {
    const run = syncstorm(['run', SCENARIO, '--client', CLIENT]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('leaked');
  });

  it('--real-globals: the leak is reported in the terminal, summary.json and report.html', () => {
    const report = join(dir, 'loose');
    const run = syncstorm(['run', SCENARIO, '--client', CLIENT, '--real-globals', '--report', report]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✓ clock-skew but leaked real time/);
    expect(run.stdout).toMatch(/phone: 1 real Date\.now call, first at test\/sim\/fixtures\/global-clients\.ts:\d+/);
    expect(run.stdout).toMatch(/1 runs: 1 passed, 0 failed, 0 errors, 1 leaked real time/);
    const summary = JSON.parse(readFileSync(join(report, 'latest', 'summary.json'), 'utf8'));
    expect(summary.leaks.some((leak: { api: string; device: string }) => leak.api === 'Date.now')).toBe(true);
    const html = readFileSync(join(report, 'latest', 'report.html'), 'utf8');
    expect(html).toContain('Real time leaked');
    expect(html).toMatch(/clock-skew: phone: 1 real Date\.now call/);
  });

  it('--strict-time fails a run that leaked', () => {
    const run = syncstorm(['run', SCENARIO, '--client', CLIENT, '--real-globals', '--strict-time']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('time-leak');
  });
});
