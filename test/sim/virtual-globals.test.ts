// Goal: an engine that uses the process's globals instead of `env` (issue 13) runs
// deterministically: its setTimeout/setInterval/Date/Math.random/crypto resolve to the
// device's virtual, skewed clock and seeded randomness; with virtualization off its uses
// are reported with their call site; real work it awaits (WebCrypto) is waited for, and a
// kill is not delayed by a list() that awaits a timer. Method: the test engines of
// fixtures/global-clients.ts run scenarios/clock-skew.json and a small kill plan.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { ClientFactory } from '../../src/client/contract.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/kernel/clock.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { WORKLOAD_COLLECTIONS } from '../../src/sim/fields.ts';
import type { Plan } from '../../src/sim/plan.ts';
import { runSimulation, TIME_LEAK } from '../../src/sim/simulation.ts';
import { afterFetchClient, dateClient, digestClient, listTimerClient, timerClient } from './fixtures/global-clients.ts';

const CLOCK_SKEW = loadScenario(fileURLToPath(new URL('../../scenarios/clock-skew.json', import.meta.url)));
const FIXTURE = fileURLToPath(new URL('./fixtures/global-clients.ts', import.meta.url));

function off(client: ClientFactory): ClientFactory {
  return { ...client, virtualGlobals: false };
}

describe('an engine on global timers, Date and randomness', () => {
  test('list() awaiting setTimeout(50) and a setInterval: one trace hash over 3 replays, no leak', async () => {
    const hashes = new Set<string>();
    for (let replay = 0; replay < 3; replay++) {
      const result = await runScenario(CLOCK_SKEW, timerClient, { keepTrace: true });
      expect(result.errors).toEqual([]);
      expect(result.passed).toBe(true);
      expect(result.leaks).toBeUndefined();
      // The interval ran in virtual time, every 5 s, on the device's skewed clock.
      const ticks = (result.trace ?? []).filter((event) => event.type === 'client.engine.tick');
      expect(ticks.length).toBeGreaterThan(20);
      for (const tick of ticks.filter((event) => event.device === 'phone').slice(0, 3))
        expect(tick.at).toBe(VIRTUAL_EPOCH_MS + tick.t + 21_600_000);
      hashes.add(result.traceHash);
    }
    expect(hashes.size).toBe(1);
  });

  test('Date.now(), new Date(), Math.random() and crypto.randomUUID() see the scenario: skewed, seeded', async () => {
    const first = await runScenario(CLOCK_SKEW, dateClient, { keepTrace: true });
    const again = await runScenario(CLOCK_SKEW, dateClient, { keepTrace: true });
    const clocks = (first.trace ?? []).filter((event) => event.type === 'client.engine.clock');
    const phone = clocks.find((event) => event.device === 'phone');
    const laptop = clocks.find((event) => event.device === 'laptop');
    expect(phone?.now).toBe(VIRTUAL_EPOCH_MS + 21_600_000);
    expect(phone?.date).toBe(phone?.now);
    expect(laptop?.now).toBe(VIRTUAL_EPOCH_MS);
    expect(phone?.random).not.toBe(laptop?.random);
    expect(again.traceHash).toBe(first.traceHash);
    expect(first.leaks).toBeUndefined();
  });

  test('code that resumes after a network response is still the device’s code (virtual, skewed)', async () => {
    const result = await runScenario(CLOCK_SKEW, afterFetchClient, { keepTrace: true });
    const logged = (result.trace ?? []).filter((event) => event.type === 'client.engine.after-sync');
    expect(logged.length).toBeGreaterThan(1);
    for (const event of logged) {
      const skew = event.device === 'phone' ? 21_600_000 : event.t < 60_000 ? 0 : -86_400_000;
      expect(event.now).toBe(VIRTUAL_EPOCH_MS + event.t + skew);
    }
    expect(result.leaks).toBeUndefined();
  });

  test('virtualization off: the leak report names the file and line of the Date.now() call', async () => {
    const result = await runScenario(CLOCK_SKEW, off(dateClient), { keepTrace: true });
    expect(result.errors).toEqual([]);
    const line =
      readFileSync(FIXTURE, 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('DATE-NOW-LINE')) + 1;
    const phone = result.leaks?.find((leak) => leak.device === 'phone' && leak.api === 'Date.now');
    expect(phone).toEqual({
      device: 'phone',
      api: 'Date.now',
      count: 1,
      site: `test/sim/fixtures/global-clients.ts:${line}`,
    });
    const recorded = (result.trace ?? []).filter((event) => event.type === 'device.leak');
    expect(recorded.length).toBe(result.leaks?.length);
    // Real time reached the engine, not the scenario's skew.
    const clock = (result.trace ?? []).find(
      (event) => event.type === 'client.engine.clock' && event.device === 'phone',
    );
    expect(clock?.now).not.toBe(VIRTUAL_EPOCH_MS + 21_600_000);
  });

  test('virtualization off: the setTimeout in list() is reported; --strict-time turns leaks into a failure', async () => {
    const loose = await runScenario(CLOCK_SKEW, off(listTimerClient));
    expect(loose.leaks?.some((leak) => leak.api === 'setTimeout' && leak.site.includes('global-clients.ts:'))).toBe(
      true,
    );
    expect(loose.violations.some((violation) => violation.invariant === TIME_LEAK)).toBe(false);
    const { scenarioSeed, scenarioToPlan } = await import('../../src/scenario/convert.ts');
    const strict = await runSimulation({
      seed: scenarioSeed(CLOCK_SKEW),
      plan: scenarioToPlan(CLOCK_SKEW),
      client: off(listTimerClient),
      strictTime: true,
    });
    expect(strict.passed).toBe(false);
    expect(strict.violations.find((violation) => violation.invariant === TIME_LEAK)?.message).toMatch(
      /^(phone|laptop): \d+ real setTimeout calls?, first at test\/sim\/fixtures\/global-clients\.ts:\d+$/,
    );
  });

  test('start() and list() awaiting crypto.subtle.digest: deterministic, never reported as hung', async () => {
    const first = await runScenario(CLOCK_SKEW, digestClient);
    const second = await runScenario(CLOCK_SKEW, digestClient);
    expect(first.errors).toEqual([]);
    expect(first.passed).toBe(true);
    expect(second.traceHash).toBe(first.traceHash);
  });

  test('a kill planned at t=2000 happens at t=2000 although list() awaits a real timer', async () => {
    const plan: Plan = {
      devices: [{ id: 'phone' }],
      profile: 'calm',
      networkRules: [],
      serverRules: [],
      steps: [
        { at: 0, do: 'create', device: 'phone', collection: 'notes', ref: 'n', fields: ['title'] },
        { at: 2_000, do: 'kill', device: 'phone' },
        { at: 3_000, do: 'restart', device: 'phone' },
        { at: 10_000, do: 'heal' },
      ],
    };
    for (const client of [listTimerClient, off(listTimerClient)]) {
      const result = await runSimulation({ seed: 'kill-at-2000', plan, client, keepTrace: true });
      const kill = (result.trace ?? []).find((event) => event.type === 'device.kill');
      // Virtual: the before-kill view itself takes the 50 virtual ms each list() waits; real: none.
      expect(kill?.t).toBe(client.virtualGlobals === false ? 2_000 : 2_000 + 50 * WORKLOAD_COLLECTIONS.length);
      expect(result.errors).toEqual([]);
    }
  });
});
