/**
 * @module vitest/tests
 * The tests a conformance suite is made of, as plain async functions (no vitest here, so
 * they can be run and tested on their own): one per scenario file, then the fuzz
 * campaign. A test that fails throws a ConformanceFailure whose message is the report.
 */
import type { ClientFactory } from '../client/contract.ts';
import { resolveClient } from '../client/resolve.ts';
import { runScenario } from '../scenario/run.ts';
import type { RunResult } from '../sim/result.ts';
import { type Failure, portableSpec, reportFailure } from './failure.ts';
import { runCampaignInProcess } from './fuzz.ts';
import { CONFORMANCE_DEFAULTS, type ConformanceOptions, FUZZ_TEST, planSuite, scenarioName } from './suite.ts';

/** The error a failing conformance test throws: its message is the whole story, the stack adds nothing. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

export interface ConformanceTest {
  name: string;
  /** Why it is skipped, when it is. */
  skip?: string;
  timeoutMs: number;
  run(): Promise<void>;
}

export interface ConformanceSuite {
  name: string;
  /** Resolves the client (a spec is loaded once, before the first test). */
  setup(): Promise<void>;
  tests: ConformanceTest[];
}

type Settings = typeof CONFORMANCE_DEFAULTS;

function withDefaults(options: ConformanceOptions): Settings {
  const settings = { ...CONFORMANCE_DEFAULTS };
  for (const key of Object.keys(settings) as (keyof Settings)[]) {
    const value = options[key];
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}

const failed = (result: RunResult) => !result.passed || result.errors.length > 0;
const runIdOf = (...parts: string[]) =>
  parts
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 120);

/** Builds the suite; bad options (a skip without a reason, an unknown scenario) throw here, at collection time. */
export function conformanceSuite(options: ConformanceOptions): ConformanceSuite {
  const plan = planSuite(options);
  const settings = withDefaults(options);
  const given = typeof options.client === 'string' ? options.client : undefined;
  const spec = options.clientSpec ?? given;
  const label = given ?? (options.client as ClientFactory).name;
  let factory: ClientFactory | undefined;
  const client = () => {
    if (factory === undefined) throw new Error('[syncstorm] conformance: setup() must run before the tests');
    return factory;
  };
  const fail = (failure: Omit<Failure, 'clientName' | 'reportDir' | 'clientSpec'>): never => {
    const where = { clientName: client().name, reportDir: settings.reportDir, ...(spec ? { clientSpec: spec } : {}) };
    throw new ConformanceFailure(reportFailure({ ...failure, runId: runIdOf(client().name, failure.runId), ...where }));
  };

  const tests: ConformanceTest[] = plan.scenarios.map((loaded) => {
    const name = scenarioName(loaded);
    const skip = plan.skipped.get(name);
    return {
      name: `scenario ${name}`,
      ...(skip === undefined ? {} : { skip }),
      timeoutMs: settings.scenarioTimeoutMs,
      async run() {
        const result = await runScenario(loaded.scenario, client(), { keepTrace: true, source: loaded.path });
        if (failed(result)) fail({ what: `scenario '${name}'`, result, reproPath: loaded.path, runId: name });
      },
    };
  });

  if (settings.seeds > 0) {
    const skip = plan.skipped.get(FUZZ_TEST);
    tests.push({
      name: `fuzz: ${settings.seeds} seeds (${settings.profile}, ${settings.devices} devices x ${settings.opsPerDevice} ops)`,
      ...(skip === undefined ? {} : { skip }),
      timeoutMs: settings.seeds * 30_000 + settings.shrinkTimeLimitMs + 60_000,
      run: () => fuzzTest(settings, client(), spec, fail),
    });
  }
  return {
    name: options.name ?? `syncstorm conformance: ${label}`,
    async setup() {
      factory = given === undefined ? (options.client as ClientFactory) : await resolveClient(given);
    },
    tests,
  };
}

type Fail = (failure: Omit<Failure, 'clientName' | 'reportDir' | 'clientSpec'>) => never;

async function fuzzTest(
  settings: Settings,
  client: ClientFactory,
  spec: string | undefined,
  fail: Fail,
): Promise<void> {
  const outcome = await runCampaignInProcess({
    client,
    clientSpec: spec === undefined ? client.name : portableSpec(spec),
    seeds: settings.seeds,
    seedStart: settings.seedStart,
    profile: settings.profile,
    devices: settings.devices,
    opsPerDevice: settings.opsPerDevice,
    shrinkTimeLimitMs: settings.shrinkTimeLimitMs,
  });
  const failure = outcome.failure;
  if (failure === undefined) return;
  const range = `seeds ${settings.seedStart}..${settings.seedStart + settings.seeds - 1}`;
  const repro = failure.repro;
  const scenario = repro === undefined ? undefined : { ...repro.scenario };
  // A bare factory has no spec the CLI could load: the replay command asks for --client instead.
  if (scenario !== undefined && spec === undefined) delete scenario.client;
  const note = repro
    ? `found by ${range}; shrunk from ${repro.stepsBefore} steps to ${repro.stepsAfter} (${repro.shrinkRuns} runs)${
        repro.stoppedBy === 'time' ? `; shrinking stopped at its time limit after ${repro.shrinkRuns} candidates` : ''
      }`
    : `found by ${range}; not shrunk (no invariant to aim at)`;
  fail({
    what: `fuzz seed ${failure.result.seed}`,
    result: failure.result,
    ...(scenario ? { reproScenario: scenario } : {}),
    runId: `fuzz-seed${failure.result.seed}`,
    notes: [note],
  });
}
