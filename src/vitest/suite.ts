/**
 * @module vitest/suite
 * What a conformance suite is made of, decided at collection time and independent of
 * vitest: the options with their defaults, the scenario files (every one under the folder,
 * scenarios/mutants excluded: those show bugs of mutant clients), and the skips, each of
 * which must name a known scenario (or `fuzz`) and carry a reason.
 */
import { statSync } from 'node:fs';
import type { ClientFactory } from '../client/contract.ts';
import { UsageError } from '../kernel/errors.ts';
import { BUNDLED_SCENARIOS, filesWithoutMutants } from '../scenario/bundled.ts';
import { displayPath, type LoadedScenario, loadScenario, scenarioFiles } from '../scenario/load.ts';
import { SHRINK_TIME_LIMIT_MS_DEFAULT } from '../scenario/shrink-budget.ts';
import type { ProfileName } from '../sim/plan.ts';

export interface ConformanceSkip {
  /** A scenario's name (its file name without `.json`), or `fuzz` for the campaign. */
  scenario: string;
  /** Why this client does not have to pass it; required. */
  reason: string;
}

export interface ConformanceOptions {
  /** The client under test: a factory, or a spec as `--client` takes it (`./my-adapter.ts`, `process:python3 c.py`). */
  client: ClientFactory | string;
  /**
   * How the CLI loads this client, for the replay command printed on failure (and written
   * in repro files). Default: `client` when it is a spec.
   */
  clientSpec?: string;
  skip?: readonly ConformanceSkip[];
  /** Seeds of the fuzz campaign; 0: no campaign. Default 16. */
  seeds?: number;
  /** First seed. Default 1. */
  seedStart?: number;
  /** Fault profile of the campaign. Default 'flaky'. */
  profile?: ProfileName;
  devices?: number;
  opsPerDevice?: number;
  /** Scenario files or folders. Default: the scenarios/ folder shipped with syncstorm. */
  scenarios?: string | readonly string[];
  /** Where a failure leaves its report, trace and repro. Default `reports/conformance`. */
  reportDir?: string;
  /** Outer guard on shrinking a failing seed, ms of real time (shrinking is bounded by counts). Default 1 200 000. */
  shrinkTimeLimitMs?: number;
  /** vitest timeout of one scenario test, ms. Default 120 000. */
  scenarioTimeoutMs?: number;
  /** Name of the describe block. Default `syncstorm conformance: <client>`. */
  name?: string;
}

export const FUZZ_TEST = 'fuzz';

export const CONFORMANCE_DEFAULTS = {
  seeds: 16,
  seedStart: 1,
  profile: 'flaky' as ProfileName,
  devices: 3,
  opsPerDevice: 10,
  reportDir: 'reports/conformance',
  shrinkTimeLimitMs: SHRINK_TIME_LIMIT_MS_DEFAULT,
  scenarioTimeoutMs: 120_000,
};

export { BUNDLED_SCENARIOS };

export interface SuitePlan {
  scenarios: LoadedScenario[];
  /** Reason per skipped scenario name (and `fuzz`). */
  skipped: Map<string, string>;
}

const API = 'describeConformance';

function scenarioName(loaded: LoadedScenario): string {
  const file = loaded.path.split(/[\\/]/).pop() ?? loaded.path;
  return file.replace(/\.json$/, '');
}

/** The scenario files a path stands for; a folder's `mutants/` subfolder is left out. */
function suiteFiles(path: string): string[] {
  const isFolder = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isFolder ? filesWithoutMutants(path) : scenarioFiles([path]);
}

/** Loads the scenarios and checks the skips; anything wrong is a UsageError naming the API. */
export function planSuite(options: ConformanceOptions): SuitePlan {
  const paths = options.scenarios === undefined ? [BUNDLED_SCENARIOS] : [options.scenarios].flat();
  const scenarios = paths
    .flatMap(suiteFiles)
    .map((path) => ({ path: displayPath(path), scenario: loadScenario(path) }));
  if (scenarios.length === 0) throw new UsageError(`${API}: no scenario files (*.json) in ${paths.join(', ')}.`);
  const names = new Set(scenarios.map(scenarioName));
  const skipped = new Map<string, string>();
  (options.skip ?? []).forEach((skip, index) => {
    const where = `${API}: skip[${index}]`;
    if (typeof skip?.scenario !== 'string' || skip.scenario === '') throw new UsageError(`${where} names no scenario.`);
    if (typeof skip.reason !== 'string' || skip.reason.trim() === '') {
      throw new UsageError(
        `${where} ('${skip.scenario}') has no reason. Every skip must say why the client may skip it.`,
      );
    }
    if (skip.scenario !== FUZZ_TEST && !names.has(skip.scenario)) {
      throw new UsageError(
        `${where} names '${skip.scenario}', which is not a scenario here (known: ${[...names].join(', ')}, or '${FUZZ_TEST}').`,
      );
    }
    skipped.set(skip.scenario, skip.reason.trim());
  });
  return { scenarios, skipped };
}

export { scenarioName };
