// Goal: a process client is run deterministically through every part of the protocol, and
// one that breaks it (garbage on stdout, an early exit, a hang, a thrown error, a malformed
// result) is reported with a message naming the device and the step, while the run still
// ends with a result. Method: full simulations of a one-device scenario with a tiny fake
// client (test/process/fixtures/fake-client.mjs) in each of its modes.
import { describe, expect, it } from 'vitest';
import { createProcessClient } from '../../src/client/process/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import type { RunResult } from '../../src/sim/result.ts';

const fake = (mode: string) => `node test/process/fixtures/fake-client.mjs ${mode}`;

function scenario(extraSteps: unknown[] = []) {
  const text = JSON.stringify({
    name: 'fake',
    description: 'One device writes and syncs twice.',
    devices: [{ id: 'd1' }],
    profile: 'calm',
    steps: [
      { at: 100, do: 'create', device: 'd1', collection: 'notes', ref: 'n', fields: ['title'] },
      { at: 2_000, do: 'sync', device: 'd1' },
      ...extraSteps,
      { at: 5_000, do: 'sync', device: 'd1' },
      { at: 9_000, do: 'heal' },
    ],
    expect: { violations: [] },
  });
  return parseScenario(text, 'fake.json');
}

/**
 * The turn limit is a hang guard: the hanging client meets it whatever the load, and a turn of
 * any other mode (milliseconds of work) stays far below it even on a busy machine (issue 19).
 */
const HANG_TURN_MS = 5_000;
const TURN_GUARD_MS = 600_000;

async function run(mode: string, extraSteps: unknown[] = []): Promise<RunResult> {
  const turnTimeoutMs = mode === 'hang' ? HANG_TURN_MS : TURN_GUARD_MS;
  const client = await createProcessClient(fake(mode), { turnTimeoutMs });
  return runScenario(scenario(extraSteps), client, { keepTrace: true });
}

const deviceErrors = (result: RunResult) =>
  (result.trace ?? []).filter((event) => event.type === 'device.error').map((event) => String(event.message));

describe('process client protocol, end to end', () => {
  it('answers queries, timers and fetches in virtual time, the same way every run', async () => {
    const first = await run('ok');
    const trace = first.trace ?? [];
    expect(deviceErrors(first)).toEqual([]);
    const syncs = trace.filter((event) => event.type === 'user.sync');
    expect(syncs.length).toBeGreaterThanOrEqual(2);
    expect(syncs[0]?.result).toMatchObject({ pushed: 0, pending: 1, status: 401 });
    expect(trace.some((event) => event.type === 'client.fake-sync' && typeof event.draw === 'number')).toBe(true);
    const sends = trace.filter((event) => event.type === 'net.send' && event.path === '/changes');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    // The fetch left 10 virtual ms after the sync step (the client's timer), not when the child answered.
    expect(sends[0]?.t).toBe(2_010);
    const second = await run('ok');
    expect(second.traceHash).toBe(first.traceHash);
  });

  it('kills the process at a crash point and starts it again on the same device', async () => {
    const result = await run('ok', [
      { at: 3_000, do: 'kill', device: 'd1', point: 'before-push' },
      { at: 3_500, do: 'sync', device: 'd1' },
      { at: 4_000, do: 'restart', device: 'd1' },
    ]);
    const trace = result.trace ?? [];
    expect(trace.find((event) => event.type === 'device.kill')).toMatchObject({ device: 'd1', point: 'before-push' });
    expect(trace.find((event) => event.type === 'device.restart')).toMatchObject({ device: 'd1', incarnation: 1 });
    expect(deviceErrors(result)).toEqual([]);
  });

  const broken: [string, RegExp][] = [
    [
      'garbage',
      /device d1 \(incarnation 0\) wrote a line that is not JSON on stdout: "this is not json" while handling sync\(\) \(call \d+\)/,
    ],
    [
      'exit',
      /device d1 \(incarnation 0\) exited with code 3 while handling sync\(\) \(call \d+\)[\s\S]*fake client: exiting on purpose/,
    ],
    [
      'hang',
      /device d1 \(incarnation 0\) did not end its turn within 5000 ms of real time .* while handling sync\(\) \(call \d+\)/,
    ],
    [
      'bad-result',
      /device d1 \(incarnation 0\) returned a malformed result for list\(\): list\(\) must return an array while handling list\(\)/,
    ],
  ];
  for (const [mode, message] of broken) {
    it(`reports a client that breaks the protocol (${mode}) and ends the run`, async () => {
      const result = await run(mode);
      const errors = deviceErrors(result);
      expect(errors.length, errors.join('\n')).toBeGreaterThanOrEqual(1);
      expect(errors[0]).toMatch(message);
      // A client that stays broken through the heal phase is reported once, not every slice.
      expect(new Set(errors).size).toBe(errors.length);
      expect(result.passed).toBe(false);
      expect(result.violations.some((violation) => violation.invariant === 'liveness')).toBe(true);
    });
  }

  it('reports a call the client answers with an error, naming the method', async () => {
    const result = await run('throw');
    const errors = (result.trace ?? []).filter((event) => event.type === 'user.error' || event.type === 'device.error');
    expect(errors.map((event) => event.message).join('\n')).toContain('sync() failed in the process client: boom');
    expect(result.trace?.some((event) => event.type === 'sim.final')).toBe(true);
  });

  it('refuses a command that cannot say hello, naming it', async () => {
    const error = await createProcessClient('python3 no/such/client.py').catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('UsageError');
    expect((error as Error).message).toMatch(
      /Process client 'python3 no\/such\/client.py' exited \(code 2\) before answering 'hello'.*No such file/,
    );
  });
});
