// Goal: describeConformance refuses skips without a reason or naming no scenario, skips
// what it is told with the reason shown, and a failing client fails its test with the
// invariant, the repro path, the replay command and a report on disk. Method: build suites
// with conformanceSuite (the vitest-free core of describeConformance) and run single tests:
// the broken example client on duplicate-replay, a mutant and a bare factory under fuzz.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findMutant } from '../../src/client/mutants/index.ts';
import { UsageError } from '../../src/kernel/errors.ts';
import { ConformanceFailure, type ConformanceSuite, conformanceSuite } from '../../src/vitest/tests.ts';

const REPORTS = 'reports/test-vitest';

async function failureOf(suite: ConformanceSuite, name: string): Promise<string> {
  await suite.setup();
  const test = suite.tests.find((candidate) => candidate.name.startsWith(name));
  expect(test, `no test named ${name}`).toBeDefined();
  const error = await test?.run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConformanceFailure);
  return (error as Error).message;
}

function pathAfter(message: string, label: string): string {
  const path = new RegExp(`^  ${label}:\\s+(\\S+)`, 'm').exec(message)?.[1];
  expect(path, message).toBeDefined();
  return path as string;
}

describe('describeConformance options', () => {
  it('builds one test per bundled scenario (mutants excluded) plus the fuzz campaign', () => {
    const suite = conformanceSuite({ client: 'reference', seeds: 3 });
    const names = suite.tests.map((test) => test.name);
    expect(names).toContain('scenario edit-vs-delete');
    expect(names.some((name) => name.includes('no-idempotency-key'))).toBe(false);
    expect(names.at(-1)).toBe('fuzz: 3 seeds (flaky, 3 devices x 10 ops)');
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses a skip without a reason, and one naming no known scenario', () => {
    const attempt = (skip: unknown) => () => conformanceSuite({ client: 'reference', skip: [skip as never] });
    expect(attempt({ scenario: 'clock-skew' })).toThrow(UsageError);
    expect(attempt({ scenario: 'clock-skew', reason: '  ' })).toThrow(
      "describeConformance: skip[0] ('clock-skew') has no reason. Every skip must say why the client may skip it.",
    );
    expect(attempt({ scenario: 'clock-skwe', reason: 'typo' })).toThrow(
      /names 'clock-skwe', which is not a scenario here/,
    );
  });

  it('marks skipped scenarios and the campaign with their reasons', () => {
    const suite = conformanceSuite({
      client: 'reference',
      skip: [
        { scenario: 'clock-skew', reason: 'server timestamps only' },
        { scenario: 'fuzz', reason: 'runs nightly' },
      ],
    });
    expect(suite.tests.find((test) => test.name === 'scenario clock-skew')?.skip).toBe('server timestamps only');
    expect(suite.tests.at(-1)?.skip).toBe('runs nightly');
    expect(suite.tests.filter((test) => test.skip !== undefined)).toHaveLength(2);
  });
});

describe('a failing client', () => {
  it('fails a scenario with its invariant, the scenario as repro, the replay command and a report', async () => {
    const spec = './examples/memory-client-broken/index.ts';
    const suite = conformanceSuite({
      client: spec,
      scenarios: 'scenarios/duplicate-replay.json',
      seeds: 0,
      reportDir: REPORTS,
    });
    const message = await failureOf(suite, 'scenario duplicate-replay');
    expect(message).toContain("[syncstorm] scenario 'duplicate-replay' failed for client 'memory-client-broken'");
    expect(message).toMatch(/✗ no-duplicates: counter .*likes ends at 4 on the server/);
    expect(pathAfter(message, 'repro')).toBe('scenarios/duplicate-replay.json');
    expect(message).toContain(`replay: npx syncstorm replay scenarios/duplicate-replay.json --client ${spec}`);
    expect(existsSync(pathAfter(message, 'report'))).toBe(true);
  });

  it('shrinks a failing seed into a repro file that names the client', async () => {
    const suite = conformanceSuite({
      client: 'mutant:no-backoff',
      scenarios: 'scenarios/edit-vs-delete.json',
      seeds: 1,
      shrinkTimeLimitMs: 10_000,
      reportDir: REPORTS,
    });
    const message = await failureOf(suite, 'fuzz');
    expect(message).toContain('fuzz seed 1 failed');
    expect(message).toContain('✗ polite-retries');
    expect(message).toMatch(/found by seeds 1\.\.1; shrunk from \d+ steps to \d+/);
    const repro = pathAfter(message, 'repro');
    expect(JSON.parse(readFileSync(repro, 'utf8'))).toMatchObject({ seed: '1', client: 'mutant:no-backoff' });
    expect(message).toContain(`replay: npx syncstorm replay ${repro} --client mutant:no-backoff`);
  });

  it('asks for --client when the client is a bare factory, and leaves it out of the repro', async () => {
    const client = findMutant('no-backoff')?.client;
    expect(client).toBeDefined();
    const suite = conformanceSuite({
      client: client!,
      scenarios: 'scenarios/edit-vs-delete.json',
      seeds: 1,
      shrinkTimeLimitMs: 5_000,
      reportDir: REPORTS,
    });
    const message = await failureOf(suite, 'fuzz');
    expect(message).toContain('--client <path of the module that exports your client>');
    expect(JSON.parse(readFileSync(pathAfter(message, 'repro'), 'utf8')).client).toBeUndefined();
  });
});
