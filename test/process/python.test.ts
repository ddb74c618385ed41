// Goal: the Python example client (standard library + sqlite3, run as a process client)
// passes a short gate, its broken copy (a fresh key per send) is caught as no-duplicates
// with a repro, and a Python seed is deterministic. Method: the conformance suite over a
// few scenarios and 10 seeds; the broken client's duplicate-replay test run directly;
// one seed run twice, comparing trace hashes.
import { describe, expect, it } from 'vitest';
import { createProcessClient } from '../../src/client/process/index.ts';
import { runSeed } from '../../src/sim/seed-run.ts';
import { describeConformance } from '../../src/vitest/conformance.ts';
import { ConformanceFailure, conformanceSuite } from '../../src/vitest/tests.ts';

const PYTHON = 'process:python3 examples/python-client/client.py';
const BROKEN = 'process:python3 examples/python-client-broken/client.py';

describeConformance({
  client: PYTHON,
  scenarios: [
    'scenarios/duplicate-replay.json',
    'scenarios/edit-vs-delete.json',
    'scenarios/offline-create-restart.json',
    'scenarios/rate-limit-storm.json',
    'scenarios/upload-timeout-and-kill.json',
  ],
  seeds: 10,
  reportDir: 'reports/test-process',
});

describe('the broken Python client', () => {
  it('fails duplicate-replay as no-duplicates, with the repro and the replay command', async () => {
    const suite = conformanceSuite({
      client: BROKEN,
      scenarios: 'scenarios/duplicate-replay.json',
      seeds: 0,
      reportDir: 'reports/test-process',
    });
    await suite.setup();
    const error = await suite.tests[0]?.run().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConformanceFailure);
    const message = (error as Error).message;
    expect(message).toContain("scenario 'duplicate-replay' failed for client 'python-client-broken'");
    expect(message).toMatch(/✗ no-duplicates: counter notes\/[0-9a-f-]+\.likes ends at 4/);
    expect(message).toContain('repro:  scenarios/duplicate-replay.json');
    expect(message).toContain(`replay: npx syncstorm replay scenarios/duplicate-replay.json --client '${BROKEN}'`);
  });
});

describe('determinism of a process client', () => {
  it('gives the same trace hash for the same seed in two runs', async () => {
    const client = await createProcessClient('python3 examples/python-client/client.py');
    const run = () => runSeed({ seed: '7', client, profile: 'flaky', devices: 3, opsPerDevice: 10 });
    const first = await run();
    const second = await run();
    expect(first.stats.exchanges).toBeGreaterThan(10);
    expect(second.traceHash).toBe(first.traceHash);
    expect(first.passed, first.violations.map((violation) => violation.message).join('\n')).toBe(true);
  });
});
