/**
 * Goal: `syncstorm bench coalescing` works as users run it: exit 0 with the table on
 * stdout for the reference client, parseable JSON with --json (the same numbers as an
 * in-process run: determinism across processes), bench.json and index.html on disk, exit 1
 * with the flagged strategy named for a mutant, exit 2 with one line for bad input.
 * Method: spawn the real binary for the first two; call `main` with a recording CliIo for
 * the rest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchWorkloads, referenceStrategies, runCoalescingBench, WORKLOAD_NAMES } from '../../src/bench/index.ts';
import { main } from '../../src/cli/main.ts';
import { isOneLineMessage, recordingIo, syncstorm } from '../cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-bench-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRATEGIES = ['none', 'per-record', 'per-field', 'none+batch', 'per-record+batch', 'per-field+batch'];

describe('syncstorm bench coalescing', () => {
  it('exits 0 and prints an aligned table of every workload and strategy; writes bench.json and index.html', () => {
    const reports = join(dir, 'full');
    const run = syncstorm(['bench', 'coalescing', '--report', reports]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^coalescing benchmark: client reference, seed 1, 6 workloads × 6 strategies/);
    for (const name of WORKLOAD_NAMES) expect(run.stdout).toContain(`${name}: `);
    const draft = run.stdout.split('\n\n').find((block) => block.startsWith('draft-offline:')) ?? '';
    const lines = draft.split('\n').slice(1);
    expect(lines.map((line) => line.trim().split(/\s+/)[1])).toEqual(['strategy', ...STRATEGIES]);
    // Right-aligned numbers: the 'requests' column ends at the same place on every line.
    const end = (line: string) => line.indexOf('requests') + 'requests'.length;
    const header = lines[0] as string;
    for (const line of lines.slice(1)) expect(line.slice(0, end(header))).toMatch(/\d$/);
    expect(run.stdout).toContain('all workloads');
    expect(run.stderr).toContain(join(reports, 'bench', 'index.html'));
    expect(existsSync(join(reports, 'bench', 'index.html'))).toBe(true);
    const written = JSON.parse(readFileSync(join(reports, 'bench', 'bench.json'), 'utf8'));
    expect(written.workloads).toHaveLength(6);
  });

  it('--json prints parseable JSON with the numbers of an in-process run (table on stderr)', async () => {
    const run = syncstorm([
      'bench',
      'coalescing',
      '--json',
      '--workload',
      'draft-flaky',
      '--seed',
      '3',
      '--report',
      join(dir, 'json'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      benchmark: 'coalescing',
      seed: '3',
      client: 'reference',
      baseline: 'none',
      allHeld: true,
    });
    expect(run.stderr).toContain('draft-flaky: Draft editing, flaky link');
    const rows = json.workloads[0].rows as { strategy: string; metrics: Record<string, number>; stateHash: string }[];
    expect(rows.map((row) => row.strategy)).toEqual(STRATEGIES);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.stateHash))).toBe(true);
    const local = await runCoalescingBench({
      seed: '3',
      strategies: referenceStrategies(),
      workloads: benchWorkloads().filter((workload) => workload.name === 'draft-flaky'),
      client: 'reference',
    });
    const strip = ({ wallMs: _wallMs, ...metrics }: Record<string, number>) => metrics;
    expect(rows.map((row) => strip(row.metrics))).toEqual(
      local.workloads[0]?.rows.map((row) => strip({ ...row.metrics })),
    );
  });

  it('exits 1 and names the broken invariant when the client under test is flagged', async () => {
    const io = recordingIo();
    const args = ['bench', 'coalescing', '--client', 'mutant:delete-coalesced-away', '--workload', 'edits-then-delete'];
    const code = await main([...args, '--report', join(dir, 'mutant')], io);
    expect(code).toBe(1);
    const out = io.stdout.join('');
    expect(out).toContain('mutant:delete-coalesced-away');
    expect(out).toMatch(/FLAGGED: .*no-silent-loss/);
    expect(out).toContain('no baseline');
  });

  it('exits 2 with one line for an unknown workload, an unknown client or an empty seed', async () => {
    for (const extra of [
      ['--workload', 'nope'],
      ['--client', 'nope'],
      ['--seed', ' '],
    ]) {
      const io = recordingIo();
      const code = await main(['bench', 'coalescing', ...extra, '--report', join(dir, 'bad')], io);
      expect(code, extra.join(' ')).toBe(2);
      expect(isOneLineMessage(io.stderr.join('')), io.stderr.join('')).toBe(true);
    }
  });
});
