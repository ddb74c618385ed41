/**
 * Goal: the fuzzer finds a mutant's bug, names its declared invariant, shrinks the seed to
 * a repro of at most 12 steps, and that repro, run from its file by `syncstorm run` in
 * another process, shows the same violation with the same trace hash. Method: runFuzz on
 * two quick mutants and on blind-retry-409, whose failing runs are 409 storms thousands of
 * requests long (the shrinker's costliest case). Shrinking is bounded by counts, so the
 * repro is the same on a busy machine; write each repro, run it through the CLI binary
 * with --json and compare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useFastScratch } from '../../src/cli/scratch.ts';
import { findMutant } from '../../src/client/mutants/index.ts';
import { runFuzz } from '../../src/scenario/fuzz.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { syncstorm } from '../cli/io.ts';

useFastScratch();
const dir = mkdtempSync(join(tmpdir(), 'syncstorm-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hang guard: campaign workers, shrinking and a child process per test on a busy 2-core machine. */
const TIMEOUT_MS = 1_800_000;

describe('fuzz → shrink → repro', () => {
  for (const name of ['server-assigned-ids', 'in-memory-outbox', 'blind-retry-409']) {
    it(
      `catches mutant:${name} and writes a small repro that replays byte for byte`,
      async () => {
        const mutant = findMutant(name);
        if (mutant === undefined) throw new Error(`no mutant ${name}`);
        const outcome = await runFuzz({
          clientSpec: `mutant:${name}`,
          clientName: mutant.client.name,
          seeds: 16,
          seedStart: 1,
          profile: 'flaky',
          devices: 3,
          opsPerDevice: 10,
          workers: 2,
          preferInvariant: mutant.invariant,
          now: () => performance.now(),
        });
        expect(outcome.results.some((result) => !result.passed)).toBe(true);
        const repro = outcome.repros[0];
        if (repro === undefined) throw new Error('no repro');
        expect(repro.invariant).toBe(mutant.invariant);
        expect(repro.reproduced).toBe(true);
        // Stopped by a count at worst, never by the wall-time guard.
        expect(repro.stoppedBy).not.toBe('time');
        expect(repro.stepsAfter).toBeLessThanOrEqual(12);
        expect(repro.stepsAfter).toBeLessThan(repro.stepsBefore);
        expect(repro.scenario).toMatchObject({
          name: repro.name,
          seed: repro.seed,
          client: `mutant:${name}`,
          expect: { violations: [] },
        });
        expect(repro.name).toBe(`mutant-${name}-${mutant.invariant}-seed${repro.seed}`);
        // The result in the campaign's list is the repro's run, with its trace kept for the report.
        expect(outcome.results).toContain(repro.result);
        expect(repro.result.trace?.length).toBe(repro.result.stats.traceEvents);

        const file = join(dir, `${repro.name}.json`);
        const text = `${JSON.stringify(repro.scenario, null, 2)}\n`;
        writeFileSync(file, text);
        expect(parseScenario(text, file)).toEqual(repro.scenario);
        const run = syncstorm(['run', file, '--json']);
        expect(run.status).toBe(1);
        const summary = JSON.parse(run.stdout);
        const violation = summary.violations.find(
          (entry: { invariant: string }) => entry.invariant === mutant.invariant,
        );
        expect(violation).toMatchObject({ name: repro.name, seed: repro.seed, traceHash: repro.result.traceHash });
        expect(violation.message).toBe(repro.message);
      },
      TIMEOUT_MS,
    );
  }
});
