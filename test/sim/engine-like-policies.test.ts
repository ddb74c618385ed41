/**
 * Goal: 'server-wins' and 'delete-wins' hold up in whole runs. A client that drops its
 * unsynced writes whenever the server holds a state it had not seen (server-wins), or
 * whenever the record was deleted on the server (delete-wins), passes every checker when it
 * declares that policy (its drops are counted as declared losses; no-resurrection,
 * convergence and durability hold), and fails no-silent-loss when it declares `manual`.
 * Method: the test clients of engine-like-clients.ts on drawn flaky seeds (kills, lost
 * answers, 409s).
 */
import { describe, expect, test } from 'vitest';
import { runSeed } from '../../src/sim/seed-run.ts';
import { createEngineLikeClient, type EngineBehaviour } from './engine-like-clients.ts';

const SEEDS = ['1', '2', '3', '4', '5', '6'];
const BEHAVIOURS: EngineBehaviour[] = ['server-wins', 'delete-wins'];

describe.each(BEHAVIOURS)("a '%s' client in whole runs", (behaviour) => {
  test('passes every checker when declared honestly, with its drops counted as declared losses', async () => {
    let declared = 0;
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const client = createEngineLikeClient(behaviour);
      const result = await runSeed({ seed, client, profile: 'flaky', devices: 3, opsPerDevice: 30 });
      declared += result.declaredLosses;
      for (const violation of result.violations)
        failures.push(`seed ${seed}: ${violation.invariant}: ${violation.message}`);
    }
    expect(failures).toEqual([]);
    expect(declared).toBeGreaterThan(0);
  });

  test("fails no-silent-loss when the same client claims 'manual'", async () => {
    const invariants = new Set<string>();
    for (const seed of SEEDS) {
      const client = createEngineLikeClient(behaviour, { default: 'manual' });
      const result = await runSeed({ seed, client, profile: 'flaky', devices: 3, opsPerDevice: 30 });
      for (const violation of result.violations) invariants.add(violation.invariant);
    }
    expect([...invariants]).toContain('no-silent-loss');
  });
});
