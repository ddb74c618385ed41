/**
 * Goal: 'server-wins' holds up in whole runs. A client that drops its unsynced writes
 * whenever the server holds a state it had not seen passes every checker when it declares
 * `server-wins` (its drops are counted as declared losses, and no-resurrection, convergence
 * and durability hold), and fails no-silent-loss when it declares `manual`. Method: the test
 * client of server-wins-client.ts on drawn flaky seeds (kills, lost answers, 409s).
 */
import { describe, expect, test } from 'vitest';
import { runSeed } from '../../src/sim/seed-run.ts';
import { createServerWinsClient } from './server-wins-client.ts';

const SEEDS = ['1', '2', '3', '4', '5', '6'];

describe("a 'server-wins' client in whole runs", () => {
  test('passes every checker when declared, with its drops counted as declared losses', async () => {
    let declared = 0;
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const result = await runSeed({
        seed,
        client: createServerWinsClient(),
        profile: 'flaky',
        devices: 3,
        opsPerDevice: 30,
      });
      declared += result.declaredLosses;
      for (const violation of result.violations)
        failures.push(`seed ${seed}: ${violation.invariant}: ${violation.message}`);
    }
    expect(failures).toEqual([]);
    expect(declared).toBeGreaterThan(0);
  }, 300_000);

  test("fails no-silent-loss when the same client claims 'manual'", async () => {
    const invariants = new Set<string>();
    for (const seed of SEEDS) {
      const result = await runSeed({
        seed,
        client: createServerWinsClient({ default: 'manual' }),
        profile: 'flaky',
        devices: 3,
        opsPerDevice: 30,
      });
      for (const violation of result.violations) invariants.add(violation.invariant);
    }
    expect([...invariants]).toContain('no-silent-loss');
  }, 300_000);
});
