/**
 * Goal: the syncstorm binary behaves as CI and users see it: replay prints the same trace
 * hash in two processes, `run scenarios/` exits 0, a mutant fuzz exits 1 naming its
 * invariant with a small repro that `run` reproduces (same violation, same hash), shards
 * merge into one report, the gate writes report.html, bad input is one line with exit 2.
 * Method: spawn `node bin/syncstorm.mjs` (the tsx loader, no build step) and read its
 * exit code, stdout and stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processIo } from '../../src/cli/io.ts';
import { isOneLineMessage, isProblemList, syncstorm } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each test starts one or more processes (campaigns start workers): generous on a busy machine. */
const TIMEOUT_MS = 900_000; // a hang guard (issue 19: no test depends on wall time)

describe('syncstorm binary', () => {
  it(
    'replay prints the same trace hash in two processes',
    () => {
      const hashes = [1, 2].map(() => {
        const replay = syncstorm(['replay', 'scenarios/upload-timeout-and-kill.json']);
        expect(replay.status).toBe(0);
        const match = /^trace sha256 ([0-9a-f]{64})$/m.exec(replay.stdout);
        expect(match, replay.stdout).not.toBeNull();
        return match?.[1];
      });
      expect(hashes[0]).toBe(hashes[1]);
      const json = syncstorm(['replay', 'scenarios/upload-timeout-and-kill.json', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        name: 'upload-timeout-and-kill',
        traceHash: hashes[0],
        passed: true,
      });
    },
    TIMEOUT_MS,
  );

  it(
    'run scenarios/ exits 0: the reference passes the test plan, every mutant scenario shows its bug',
    () => {
      const run = syncstorm(['run', 'scenarios', '--json']);
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary.failed + summary.errors).toBe(0);
      expect(summary.runs).toBeGreaterThanOrEqual(15 + 17);
    },
    TIMEOUT_MS,
  );

  it(
    'fuzz of a mutant exits 1 with its invariant and a repro that run reproduces',
    () => {
      const reports = join(dir, 'fuzz-reports');
      const fuzz = syncstorm([
        'fuzz',
        '--client',
        'mutant:server-assigned-ids',
        '--seeds',
        '8',
        '--json',
        '--report',
        reports,
      ]);
      expect(fuzz.status, fuzz.stderr).toBe(1);
      const summary = JSON.parse(fuzz.stdout);
      const found = summary.violations.find(
        (entry: { invariant: string; repro: string | null }) =>
          entry.invariant === 'no-duplicates' && entry.repro !== null,
      );
      expect(found, fuzz.stdout).toBeDefined();
      expect(found.steps).toBeLessThanOrEqual(12);
      expect(summary.shrinks[0]).toMatchObject({
        invariant: 'no-duplicates',
        reproduced: true,
        stepsAfter: found.steps,
      });
      expect(existsSync(join(reports, 'latest', 'report.html'))).toBe(true);
      const run = syncstorm(['run', found.repro, '--json']);
      expect(run.status).toBe(1);
      const again = JSON.parse(run.stdout).violations.find(
        (entry: { invariant: string }) => entry.invariant === 'no-duplicates',
      );
      expect(again).toMatchObject({ message: found.message, traceHash: found.traceHash, seed: found.seed });
    },
    TIMEOUT_MS,
  );

  it(
    'a repro of a module client names it relative to the repro file, and replays from any folder',
    () => {
      const reports = join(dir, 'module-reports');
      const fuzz = syncstorm([
        'fuzz',
        '--client',
        'test/cli/fixtures/buggy-client.ts',
        '--seeds',
        '4',
        '--json',
        '--report',
        reports,
      ]);
      expect(fuzz.status, fuzz.stderr).toBe(1);
      const summary = JSON.parse(fuzz.stdout);
      const shrink = summary.shrinks[0];
      const found = summary.violations.find(
        (entry: { name: string; invariant: string }) =>
          entry.name === shrink.name && entry.invariant === shrink.invariant,
      );
      expect(found.repro).toMatch(/repro\/buggy-client-.*-seed\d+\.json$/);
      const repro = JSON.parse(readFileSync(found.repro, 'utf8'));
      expect(repro.client.startsWith('.')).toBe(true);
      expect(resolve(dirname(found.repro), repro.client)).toBe(resolve('test/cli/fixtures/buggy-client.ts'));
      // The repro names the module client: code, so running it needs the user's consent.
      const refused = syncstorm(['run', found.repro], {}, tmpdir());
      expect(refused.status, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('--allow-scenario-clients');
      const elsewhere = syncstorm(['run', found.repro, '--json', '--allow-scenario-clients'], {}, tmpdir());
      expect(elsewhere.status, elsewhere.stderr).toBe(1);
      const again = JSON.parse(elsewhere.stdout).violations.find(
        (entry: { invariant: string }) => entry.invariant === shrink.invariant,
      );
      expect(again.traceHash).toBe(found.traceHash);
    },
    TIMEOUT_MS,
  );

  it(
    'shards of a campaign merge into one report',
    () => {
      const shards = [1, 2].map((index) => {
        const root = join(dir, `shard-${index}`);
        const fuzz = syncstorm([
          'fuzz',
          '--seeds',
          '4',
          '--ops',
          '3',
          '--devices',
          '2',
          '--shard',
          `${index}/2`,
          '--report',
          root,
          '--json',
        ]);
        expect(fuzz.status, fuzz.stderr).toBe(0);
        expect(JSON.parse(fuzz.stdout).seeds).toBe(2);
        return join(root, 'latest');
      });
      const merged = syncstorm(['report', 'merge', ...shards, '--report', join(dir, 'merged'), '--json']);
      expect(merged.status, merged.stderr).toBe(0);
      expect(JSON.parse(merged.stdout)).toMatchObject({ runs: 4, seeds: 4, passed: 4 });
    },
    TIMEOUT_MS,
  );

  it(
    'gate runs the scenarios and a campaign and writes report.html',
    () => {
      const scenarios = join(dir, 'gate-scenarios');
      const reports = join(dir, 'gate-reports');
      rmSync(scenarios, { recursive: true, force: true });
      mkdirSync(scenarios);
      writeFileSync(join(scenarios, 'one.json'), readFileSync('scenarios/offline-create-restart.json'));
      const gate = syncstorm([
        'gate',
        '--scenarios',
        scenarios,
        '--seeds',
        '2',
        '--ops',
        '3',
        '--report',
        reports,
        '--junit',
        join(dir, 'junit.xml'),
      ]);
      expect(gate.status, gate.stderr).toBe(0);
      expect(gate.stdout).toContain('✓ offline-create-restart');
      expect(readFileSync(join(reports, 'latest', 'report.html'), 'utf8')).toContain('<html');
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite');
      expect(gate.stdout).not.toContain('\x1b[');
    },
    TIMEOUT_MS,
  );

  it(
    'bad input: exit 2, one line on stderr, no stack trace',
    () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(
        bad,
        '{\n  "name": "x",\n  "devices": [{ "id": "A" }],\n  "profile": "calm",\n  "steps": [{ "at": 0, "do": "sync", "device": "C" }]\n}\n',
      );
      const run = syncstorm(['run', bad]);
      expect(run.status).toBe(2);
      // Every problem of the file, one line each with its place (issue 19).
      expect(isProblemList(run.stderr), run.stderr).toBe(true);
      expect(run.stderr).toContain(`Failed to load scenario '${bad}': `);
      expect(run.stderr).toContain(`${bad}:1:1 /description: description is missing`);
      const flag = syncstorm(['fuzz', '--seeds', 'lots']);
      expect(flag.status).toBe(2);
      expect(isOneLineMessage(flag.stderr), flag.stderr).toBe(true);
    },
    TIMEOUT_MS,
  );

  it(
    'stops a scenario whose client never yields at its wall-time limit, reports it and runs the next',
    () => {
      const spinning = join(dir, 'spinning.json');
      const steps = [
        { at: 100, do: 'create', device: 'A', collection: 'notes', ref: 'n', fields: ['title'] },
        { at: 1_000, do: 'sync', device: 'A' },
      ];
      const scenario = (client: string) => ({
        name: client.includes('spinning') ? 'spinning' : 'calm-after',
        description: 'A sync() that never returns.',
        client,
        devices: [{ id: 'A' }],
        profile: 'calm',
        steps,
        expect: { violations: [] },
      });
      writeFileSync(spinning, JSON.stringify(scenario(resolve('test/cli/fixtures/spinning-client.ts'))));
      writeFileSync(join(dir, 'z-after.json'), JSON.stringify(scenario('reference')));
      const allow = '--allow-scenario-clients';
      const run = syncstorm([
        'run',
        spinning,
        join(dir, 'z-after.json'),
        '--scenario-time-limit',
        '3',
        '--json',
        allow,
      ]);
      expect(run.status, run.stderr).toBe(1);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ runs: 2, passed: 1, errors: 1 });
      expect(JSON.stringify(summary.violations)).toMatch(
        /stopped after [\d.]+ s of wall time without finishing \(limit 3 s/,
      );
      expect(run.stderr).toContain('✓ calm-after');
      // replay stops it too, and the trace streamed up to the spin stays on disk.
      const trace = join(dir, 'spinning-trace.jsonl');
      const replay = syncstorm(['replay', spinning, '--trace', trace, '--scenario-time-limit', '3', allow]);
      expect(replay.status).toBe(1);
      expect(replay.stdout).toMatch(/stopped after [\d.]+ s of wall time without finishing \(limit 3 s/);
      const lines = readFileSync(trace, 'utf8').trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      // Every line is whole; the last one comes before the spinning sync step (at 1,000 ms).
      const last = JSON.parse(lines.at(-1) ?? '{}');
      expect(last.t).toBeLessThanOrEqual(1_000);
      expect(replay.stdout).toContain('trace sha256 none: the run did not finish');
      expect(replay.stderr).toContain(`trace written to ${trace} up to where the run stopped`);
    },
    TIMEOUT_MS,
  );

  it(
    'respects NO_COLOR',
    () => {
      const saved = process.env.NO_COLOR;
      process.env.NO_COLOR = '1';
      try {
        expect(processIo().color).toBe(false);
      } finally {
        if (saved === undefined) delete process.env.NO_COLOR;
        else process.env.NO_COLOR = saved;
      }
    },
    TIMEOUT_MS,
  );
});
