/**
 * Goal: each way a client breaks its contract inside a run fails that run with a client
 * error of its own kind, naming the call and the message; the same failure met again is
 * reported once with a count; the reference client shows none. A process client that
 * closes its stdout is reported as such at once (not at a real-time limit) and killed.
 * Method: one short scenario (shorter than the 10 virtual minutes a call may take) run in
 * this process with each misbehaving fixture client.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/client/contract.ts';
import { createProcessClient } from '../../src/client/process/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import type { RunResult } from '../../src/sim/result.ts';
import garbageList from './fixtures/garbage-list-client.ts';
import hangingSync from './fixtures/hanging-sync-client.ts';
import throwingStart from './fixtures/throwing-start-client.ts';
import throwingSync from './fixtures/throwing-sync-client.ts';

const scenario = parseScenario(
  JSON.stringify({
    name: 'short',
    description: 'Two devices write and sync, well within 10 virtual minutes.',
    devices: [{ id: 'A' }, { id: 'B' }],
    profile: 'calm',
    steps: [
      { at: 100, do: 'create', device: 'A', collection: 'notes', ref: 'n', fields: ['title'] },
      { at: 1_000, do: 'sync', device: 'A' },
      { at: 2_000, do: 'sync', device: 'B' },
      { at: 3_000, do: 'sync', device: 'A' },
      { at: 4_000, do: 'heal' },
    ],
    expect: { violations: [] },
  }),
  'short.json',
);

const run = (client: ClientFactory): Promise<RunResult> => runScenario(scenario, client);
const kinds = (result: RunResult) => result.violations.map((violation) => violation.invariant);
const messageOf = (result: RunResult, kind: string) =>
  result.violations.find((violation) => violation.invariant === kind)?.message ?? '';

describe('client errors inside a run', () => {
  it('the reference client shows none', async () => {
    const result = await run(createReferenceClient());
    expect(result.violations).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('a sync() that always throws: client-threw, once with a count', async () => {
    const result = await run(throwingSync);
    expect(result.passed).toBe(false);
    expect(kinds(result)).toContain('client-threw');
    expect(messageOf(result, 'client-threw')).toBe(
      'sync() on A (step 1) threw: Error: sync is broken (3 times in this run)',
    );
  });

  it('a start() that throws: client-threw naming start()', async () => {
    const result = await run(throwingStart);
    expect(messageOf(result, 'client-threw')).toMatch(/^start\(\) on A threw: .*cannot open the database/);
  });

  it('a sync() that never settles, in a run shorter than its bound: client-hung', async () => {
    const result = await run(hangingSync);
    expect(result.passed).toBe(false);
    expect(messageOf(result, 'client-hung')).toMatch(/^sync\(\) on A \(step 1\) never settled: .*600000 virtual ms/);
  });

  it('a list() of malformed records: client-bad-result, not a crash of the checkers', async () => {
    const result = await run(garbageList);
    expect(result.passed).toBe(false);
    expect(messageOf(result, 'client-bad-result')).toMatch(
      /list\('notes'\) returned a malformed result: record .* has no `fields` object/,
    );
  });

  it('a scenario that names the kind it expects passes', async () => {
    const expecting = { ...scenario, expect: { violations: ['client-threw'] } };
    const result = await runScenario(expecting as typeof scenario, throwingSync);
    expect(kinds(result)).toContain('client-threw');
    expect(result.passed).toBe(true);
  });
});

describe('a process client that closes its stdout', () => {
  it('is reported at once as such, and its process is killed', async () => {
    const token = `closes-stdout-${process.pid}`;
    const command = `node test/hostile/fixtures/closes-stdout.mjs ${token}`;
    // A real-time limit far above what the test may take: the report must not wait for it.
    const client = await createProcessClient(command, { startTimeoutMs: 600_000, turnTimeoutMs: 600_000 });
    const result = await run(client);
    expect(messageOf(result, 'client-threw')).toMatch(/^start\(\) on A threw: .*closed its stdout/);
    const alive = readdirSync('/proc').filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(token);
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
