/**
 * Goal: a run-wide event bound stops a run wherever it is (chaos or heal) and says so,
 * without checking a history that was cut short; below the bound a run is unchanged.
 * Method: one drawn seed of the blind-retry-409 mutant, whose 409 storm lives in the heal
 * phase, run without a bound, with a bound above its events, and with one in its heal.
 */
import { describe, expect, it } from 'vitest';
import { findMutant } from '../../src/client/mutants/index.ts';
import { planForSeed } from '../../src/sim/seed-run.ts';
import { chaosEnd, runSimulation } from '../../src/sim/simulation.ts';

const client = findMutant('blind-retry-409')?.factory;
const plan = planForSeed({ seed: '3', profile: 'flaky', devices: 3, opsPerDevice: 30 });

describe('runEventsMax', () => {
  it('stops a run in its heal phase, unchecked, with one error naming the bound', async () => {
    if (client === undefined) throw new Error('mutant blind-retry-409 is missing');
    const full = await runSimulation({ seed: '3', plan, client });
    expect(full.violations.some((violation) => violation.invariant === 'liveness')).toBe(true);
    const same = await runSimulation({ seed: '3', plan, client, runEventsMax: full.stats.events + 1 });
    expect(same.traceHash).toBe(full.traceHash);

    const bound = Math.floor(full.stats.events / 2);
    const cut = await runSimulation({ seed: '3', plan, client, runEventsMax: bound, keepTrace: true });
    expect(cut.stats.events).toBe(bound);
    expect(cut.stats.virtualMs).toBeGreaterThan(chaosEnd(plan));
    expect(cut.errors).toEqual([`the run hit its bound of ${bound} events`]);
    expect(cut.violations.map((violation) => violation.invariant)).toEqual(['client-error']);
    expect(cut.passed).toBe(false);
    expect(cut.trace?.at(-1)).toMatchObject({ type: 'sim.bound', events: bound });
  });
});
