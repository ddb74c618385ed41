/**
 * @module vitest/conformance
 * `syncstorm/vitest`: the conformance suite as vitest tests, one per scenario file plus
 * one fuzz campaign, for any client (a factory or a `--client` spec). Every skip must say
 * why; a failure fails its test with the violations, the repro file and the command that
 * replays it, and leaves an HTML report next to it.
 *
 * @example
 * ```ts
 * // test/sync.conformance.test.ts
 * import { describeConformance } from 'syncstorm/vitest';
 * import { client } from '../src/sync-adapter.ts';
 *
 * describeConformance({
 *   client,
 *   clientSpec: './src/sync-adapter.ts',
 *   seeds: 32,
 *   skip: [{ scenario: 'clock-skew', reason: 'server-assigned timestamps only (ticket SYNC-42)' }],
 * });
 * ```
 */
import { beforeAll, describe, test } from 'vitest';
import type { ClientFactory } from '../client/contract.ts';
import { resolveClient } from '../client/resolve.ts';
import { clientStem } from '../scenario/repro.ts';
import { runScenario } from '../scenario/run.ts';
import type { RunResult } from '../sim/result.ts';
import { type Failure, portableSpec, reportFailure } from './failure.ts';
import { runCampaignInProcess } from './fuzz.ts';
import { CONFORMANCE_DEFAULTS, type ConformanceOptions, FUZZ_TEST, planSuite, scenarioName } from './suite.ts';

export {
  BUNDLED_SCENARIOS,
  CONFORMANCE_DEFAULTS,
  type ConformanceOptions,
  type ConformanceSkip,
  planSuite,
} from './suite.ts';

/** The error a failing conformance test throws: its message is the whole story, the stack adds nothing. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

const failed = (result: RunResult) => !result.passed || result.errors.length > 0;
const runIdOf = (...parts: string[]) => parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);

export function describeConformance(options: ConformanceOptions): void {
  const plan = planSuite(options);
  const settings = { ...CONFORMANCE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const given = typeof options.client === 'string' ? options.client : undefined;
  const spec = options.clientSpec ?? given;
  const label = given ?? (options.client as ClientFactory).name;
  const stem = clientStem(spec ?? label);
  let factory: ClientFactory | undefined;
  const client = () => factory as ClientFactory;

  const fail = (failure: Omit<Failure, 'clientName' | 'reportDir' | 'clientSpec'>): never => {
    throw new ConformanceFailure(
      reportFailure({ ...failure, clientName: client().name, reportDir: settings.reportDir, ...(spec ? { clientSpec: spec } : {}) }),
    );
  };

  describe(options.name ?? `syncstorm conformance: ${label}`, () => {
    beforeAll(async () => {
      factory = given === undefined ? (options.client as ClientFactory) : await resolveClient(given);
    });

    for (const loaded of plan.scenarios) {
      const name = scenarioName(loaded);
      const reason = plan.skipped.get(name);
      if (reason !== undefined) {
        test.skip(`scenario ${name} (skipped: ${reason})`, () => {});
        continue;
      }
      test(`scenario ${name}`, { timeout: settings.scenarioTimeoutMs }, async () => {
        const result = await runScenario(loaded.scenario, client(), { keepTrace: true, source: loaded.path });
        if (failed(result)) fail({ what: `scenario '${name}'`, result, reproPath: loaded.path, runId: runIdOf(stem, name) });
      });
    }

    if (settings.seeds <= 0) return;
    const range = `seeds ${settings.seedStart}..${settings.seedStart + settings.seeds - 1}`;
    const title = `fuzz: ${settings.seeds} seeds (${settings.profile}, ${settings.devices} devices x ${settings.opsPerDevice} ops)`;
    const skipReason = plan.skipped.get(FUZZ_TEST);
    if (skipReason !== undefined) {
      test.skip(`${title} (skipped: ${skipReason})`, () => {});
      return;
    }
    const timeout = settings.seeds * 30_000 + settings.shrinkTimeLimitMs + 60_000;
    test(title, { timeout }, async () => {
      const outcome = await runCampaignInProcess({
        client: client(),
        clientSpec: spec === undefined ? client().name : portableSpec(spec),
        seeds: settings.seeds,
        seedStart: settings.seedStart,
        profile: settings.profile,
        devices: settings.devices,
        opsPerDevice: settings.opsPerDevice,
        shrinkTimeLimitMs: settings.shrinkTimeLimitMs,
      });
      const failure = outcome.failure;
      if (failure === undefined) return;
      const repro = failure.repro;
      const scenario = repro === undefined ? undefined : { ...repro.scenario };
      // A bare factory has no spec the CLI could load: the replay command says --client instead.
      if (scenario !== undefined && spec === undefined) delete scenario.client;
      const notes = repro
        ? [`found by ${range}; shrunk from ${repro.stepsBefore} steps to ${repro.stepsAfter} (${repro.shrinkRuns} runs)`]
        : [`found by ${range}; not shrunk (no invariant to aim at)`];
      fail({
        what: `fuzz seed ${failure.result.seed}`,
        result: failure.result,
        ...(scenario ? { reproScenario: scenario } : {}),
        runId: runIdOf(stem, 'fuzz', `seed${failure.result.seed}`),
        notes,
      });
    });
  });
}
