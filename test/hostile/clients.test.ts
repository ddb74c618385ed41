/**
 * Goal: a client cannot fool the gate. A client that calls process.exit(0), spins without
 * awaiting, exhausts its heap, throws from sync() or start(), never settles a sync(),
 * returns malformed lists, or (a process client) closes its stdout makes `gate` and `fuzz`
 * exit 1 with a report that names its client error kind, and every other scenario and
 * seed still runs.
 * Method: run the real binary (`node bin/syncstorm.mjs`) with each misbehaving client on two
 * small scenarios and two small seeds, a short run-time limit and a small heap, then read
 * the exit code, summary.json and stderr. Nothing is timed but the outer guard of each
 * spawn (the test fails if it is reached).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syncstorm } from '../cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each case starts a few processes on a busy 2-core machine: generous. */
const TIMEOUT_MS = 900_000; // a hang guard (issue 19: no test depends on wall time)
/** Outer guard on one command (spawnSync kills it there, and the status is then null). */
const GUARD_MS = 800_000;

const SCENARIOS = ['duplicate-replay', 'offline-create-restart'];
const SMALL = ['--seeds', '2', '--workers', '1', '--devices', '2', '--ops', '3', '--shrink-time-limit', '5'];
/**
 * A small heap (quick to exhaust); for the spinner a short wall-time limit (it never yields, so
 * it meets any limit on any load), for the others a hang guard far above their runs (issue 19).
 */
const limits = (entry: Case) => [
  '--memory-limit',
  '96',
  '--run-time-limit',
  entry.kind === 'client-timeout' ? '3' : '600',
];

interface Case {
  client: string;
  kind: string;
  /** Whether a seed run is sure to show the kind (a misbehaving sync() needs a sync step). */
  seedsShow: boolean;
}

const fixture = (name: string) => `test/hostile/fixtures/${name}`;

const CASES: Record<string, Case> = {
  'process.exit(0) in sync()': { client: fixture('exit-client.ts'), kind: 'client-exited', seedsShow: false },
  'a sync() that spins': { client: fixture('spin-client.ts'), kind: 'client-timeout', seedsShow: false },
  'a sync() that exhausts the heap': {
    client: fixture('memory-client.ts'),
    kind: 'client-out-of-memory',
    seedsShow: false,
  },
  'a sync() that always throws': { client: fixture('throwing-sync-client.ts'), kind: 'client-threw', seedsShow: false },
  'a start() that throws': { client: fixture('throwing-start-client.ts'), kind: 'client-threw', seedsShow: true },
  'a sync() that never settles': { client: fixture('hanging-sync-client.ts'), kind: 'client-hung', seedsShow: false },
  'a list() of malformed records': {
    client: fixture('garbage-list-client.ts'),
    kind: 'client-bad-result',
    seedsShow: true,
  },
  'a process client that closes its stdout': {
    client: `process:node ${fixture('closes-stdout.mjs')}`,
    kind: 'client-threw',
    seedsShow: true,
  },
};

interface Summary {
  runs: number;
  violations: { name: string; invariant: string; message: string }[];
}

function runCommand(args: string[], name: string): { status: number | null; stderr: string; summary: Summary } {
  const report = join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
  const spawned = syncstorm([...args, '--report', report, '--json'], {}, undefined, GUARD_MS);
  const summaryPath = join(report, 'latest', 'summary.json');
  expect(existsSync(summaryPath), `no summary.json; stderr: ${spawned.stderr}`).toBe(true);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
  return { status: spawned.status, stderr: spawned.stderr, summary };
}

function expectNoInternalError(stderr: string): void {
  expect(stderr).not.toMatch(/internal error|ERR_IPC_CHANNEL_CLOSED|\n\s+at /);
}

describe('gate with a misbehaving client', () => {
  for (const [label, entry] of Object.entries(CASES)) {
    it(
      `${label}: exit 1, every scenario reported as ${entry.kind}, the seeds still run`,
      () => {
        const scenarios = ['--scenarios', 'test/hostile/scenarios'];
        const args = ['gate', '--client', entry.client, ...scenarios, ...SMALL, ...limits(entry)];
        const { status, stderr, summary } = runCommand(args, `gate-${label}`);
        expect(status, stderr).toBe(1);
        expectNoInternalError(stderr);
        // Both scenarios ran and each failed with the kind; then the campaign ran.
        for (const scenario of SCENARIOS) {
          const found = summary.violations.find((v) => v.name === scenario && v.invariant === entry.kind);
          expect(found, `${scenario}: ${JSON.stringify(summary.violations.map((v) => v.invariant))}`).toBeDefined();
        }
        expect(summary.runs).toBeGreaterThanOrEqual(SCENARIOS.length + 1);
        if (entry.seedsShow) {
          expect(summary.violations.some((v) => v.name.includes('seed') && v.invariant === entry.kind)).toBe(true);
        }
      },
      TIMEOUT_MS,
    );
  }
});

describe('fuzz with a misbehaving client', () => {
  const mustShow = ['process.exit(0) in sync()', 'a sync() that spins', 'a sync() that exhausts the heap'];
  for (const label of mustShow) {
    const entry = CASES[label] as Case;
    it(
      `${label}: exit 1, the seed reported as ${entry.kind}, the next seed still runs`,
      () => {
        const args = ['fuzz', '--client', entry.client, ...SMALL, ...limits(entry)];
        const { status, stderr, summary } = runCommand(args, `fuzz-${label}`);
        expect(status, stderr).toBe(1);
        expectNoInternalError(stderr);
        expect(summary.runs).toBe(2);
        expect(summary.violations.some((v) => v.invariant === entry.kind)).toBe(true);
      },
      TIMEOUT_MS,
    );
  }

  it(
    'a sync() that always throws: exit 1, reported as client-threw with the call and the message',
    () => {
      const entry = CASES['a sync() that always throws'] as Case;
      const args = ['fuzz', '--client', entry.client, ...SMALL, ...limits(entry)];
      const { status, stderr, summary } = runCommand(args, 'fuzz-throwing-sync');
      expect(status, stderr).toBe(1);
      expectNoInternalError(stderr);
      const found = summary.violations.find((v) => v.invariant === 'client-threw');
      expect(found?.message).toMatch(/^sync\(\) on d\d \(step \d+\) threw: Error: sync is broken/);
    },
    TIMEOUT_MS,
  );

  it('the heap limit defaults to 512 MB and the run-time limit to 120 s', () => {
    const help = syncstorm(['fuzz', '--help']);
    expect(help.stdout).toMatch(/--memory-limit <MB>[\s\S]*default: 512\)/);
    expect(help.stdout).toMatch(/--run-time-limit <seconds>[\s\S]*default: 120\)/);
  });
});
