/**
 * Goal: `chaos` end to end over real sockets catches a client bug the simulator catches:
 * under the response-loss schedule (reset_peer and timeout toxics that lose answers after
 * the server applied the request), the no-idempotency-key mutant applies increments twice
 * (no-duplicates), while the reference client passes every invariant; both runs stop by
 * themselves within their bounds, and their results feed the simulator's reports.
 * Method: both runs at once, each with its own server and embedded proxy on loopback; 4
 * clients x 30 actions over 10 s of chaos, client time 20x the wall clock. The workload
 * makes ~70% of actions counter increments and the schedule loses answers ~60% of the time,
 * so each mutant run applies several increments twice (4-7 counters over their bound in
 * trials); one is enough to fail it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { resolveClient } from '../../src/client/resolve.ts';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { CHAOS_DEFAULTS, type ChaosOptions } from '../../src/realnet/chaos/options.ts';
import { runChaos } from '../../src/realnet/chaos/run-chaos.ts';
import { writeReports } from '../../src/report/index.ts';

const OPTIONS: Omit<ChaosOptions, 'client'> = {
  ...CHAOS_DEFAULTS,
  clients: 4,
  opsPerClient: 30,
  schedule: 'response-loss',
  seed: '1',
  durationMs: 10_000,
  speed: 20,
  healMs: 15_000,
  requestsMax: 5_000,
};

/** Answers lost after the server applied the op: a server.apply, then the sender's request fails. */
function lostAfterApply(trace: readonly TraceEvent[]): number {
  const lastApply = new Map<string, boolean>();
  let lost = 0;
  for (const event of trace) {
    const device = String(event.device);
    if (event.type === 'server.apply') lastApply.set(device, true);
    if (event.type === 'net.receive') lastApply.delete(device);
    if ((event.type === 'net.fail' || event.type === 'net.abort') && lastApply.get(device)) {
      lost++;
      lastApply.delete(device);
    }
  }
  return lost;
}

// No wall-time assertion: both runs end by their own bounds (duration, heal, requestsMax);
// the suite's test timeout is the hang guard (issue 19).
test('the no-idempotency-key mutant is caught under lost answers; the reference client passes', async () => {
  const [mutant, reference] = await Promise.all([
    runChaos({ ...OPTIONS, client: await resolveClient('mutant:no-idempotency-key') }),
    runChaos({ ...OPTIONS, client: await resolveClient('reference') }),
  ]);

  for (const outcome of [mutant, reference]) {
    const trace = outcome.result.trace ?? [];
    const toxics = trace.filter((event) => event.type === 'realnet.toxic' && event.do === 'add');
    expect(new Set(toxics.map((event) => (event.toxic as { type: string }).type))).toEqual(
      new Set(['reset_peer', 'timeout']),
    );
    expect(outcome.actions.failed).toBe(0);
    expect(lostAfterApply(trace)).toBeGreaterThan(0);
    expect(outcome.result.stats.exchanges).toBeLessThanOrEqual(OPTIONS.requestsMax);
    expect(trace.some((event) => event.type === 'sim.final')).toBe(true);
  }

  expect(reference.result.violations.map((violation) => `${violation.invariant}: ${violation.message}`)).toEqual([]);
  expect(reference.result.passed).toBe(true);

  expect(mutant.result.passed).toBe(false);
  const invariants = new Set(mutant.result.violations.map((violation) => violation.invariant));
  expect(invariants).toContain('no-duplicates');
  expect(mutant.result.violations.some((violation) => /applied twice/.test(violation.message))).toBe(true);

  const root = mkdtempSync(join(tmpdir(), 'syncstorm-chaos-report-'));
  try {
    const written = writeReports(root, [mutant.result, reference.result], {
      runId: 'chaos-test',
      startedAt: '2030-01-01T00:00:00.000Z',
    });
    const summary = JSON.parse(readFileSync(join(written.dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ runs: 2, passed: 1, failed: 1 });
    expect(existsSync(join(written.dir, 'report.html'))).toBe(true);
    expect(written.files.some((file) => file.startsWith('trace-'))).toBe(true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
