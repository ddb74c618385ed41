/**
 * @module cli/scenario-runs
 * Runs scenario files one after the other: every file is loaded and every client resolved
 * before the first run, so bad input stops the command (exit 2) before any work; then a
 * line per scenario as it finishes. The runs happen in a child process (the same run, so
 * the same trace hash, as in this process; it loads each client once), under a wall-time
 * limit per scenario: a client stuck in a loop that never yields is stopped, reported, and
 * the next scenario runs.
 */
import type { ClientFactory } from '../client/contract.ts';
import type { ReproRef } from '../report/index.ts';
import { scenarioSeed, scenarioToPlan } from '../scenario/convert.ts';
import { type LoadedScenario, loadScenarios, scenarioClient } from '../scenario/load.ts';
import { PlanRunner } from '../scenario/plan-runner.ts';
import { checkCollections } from '../scenario/run.ts';
import type { Scenario } from '../scenario/schema.ts';
import { assertScenarioClientAllowed } from '../scenario/trust.ts';
import { failedRunResult, type RunResult } from '../sim/result.ts';
import type { ClientCache } from './clients.ts';
import { runLine } from './format.ts';
import { type CliIo, paint } from './io.ts';
import { SCENARIO_TIME_LIMIT_MS_DEFAULT, type Shard, shardRange } from './options.ts';

export interface ScenarioRunFlags {
  /** Client for scenarios that name none. */
  client: string;
  shard?: Shard;
  /** Scenario files may name clients that run code (module paths, `process:`). */
  allowScenarioClients?: boolean;
}

export interface ScenarioRuns {
  results: RunResult[];
  /** Scenario file per run name. */
  repros: Record<string, ReproRef>;
}

interface Prepared {
  loaded: LoadedScenario;
  client: ClientFactory;
  /** The client as the child process resolves it. */
  spec: string;
}

export async function prepareScenarios(
  paths: readonly string[],
  flags: ScenarioRunFlags,
  clients: ClientCache,
): Promise<Prepared[]> {
  const all = loadScenarios(paths);
  // Every file is checked before any client resolves: a refused one means nothing ran.
  const trust = { allowScenarioClients: flags.allowScenarioClients === true, commandLineClient: flags.client };
  for (const loaded of all)
    assertScenarioClientAllowed(loaded.path, scenarioClient(loaded.scenario, loaded.path), trust);
  const { start, end } = shardRange(all.length, flags.shard);
  const prepared: Prepared[] = [];
  for (const loaded of all.slice(start, end)) {
    const spec = scenarioClient(loaded.scenario, loaded.path) ?? flags.client;
    const where = `Scenario '${loaded.path}' (client '${spec}')`;
    const client = await clients.get(spec, where);
    checkCollections(loaded.scenario, client, loaded.path);
    prepared.push({ loaded, client, spec });
  }
  return prepared;
}

export interface IsolatedRun {
  scenario: Scenario;
  /** Where the scenario came from, for messages. */
  path: string;
  client: ClientFactory;
  /** The client as the child process resolves it. */
  spec: string;
  timeLimitMs: number;
  keepTrace: boolean;
  traceFile?: string;
}

/** Runs one scenario on `runner`'s child process; a run that overruns or dies becomes a failed result. */
export async function runIsolated(runner: PlanRunner, run: IsolatedRun): Promise<RunResult> {
  const { scenario, path, client, timeLimitMs } = run;
  const seed = scenarioSeed(scenario);
  const expectedViolations = scenario.expect.violations;
  const outcome = await runner.run(seed, scenarioToPlan(scenario), {
    timeoutMs: timeLimitMs,
    clientSpec: run.spec,
    full: {
      name: scenario.name,
      expectedViolations,
      keepTrace: run.keepTrace,
      ...(run.traceFile !== undefined ? { traceFile: run.traceFile } : {}),
    },
  });
  if (outcome.kind === 'ran' && outcome.verdict.result !== undefined) return outcome.verdict.result;
  const reason =
    outcome.kind === 'timeout'
      ? `scenario ${path} ran past its wall-time limit of ${timeLimitMs} ms (a client that never yields?)`
      : `scenario ${path} could not be run: ${outcome.kind === 'crashed' ? outcome.error : 'no result'}`;
  const { name, profile, devices } = scenario;
  return failedRunResult(
    { name, seed, client: client.name, profile, devices: devices.length, expectedViolations },
    reason,
  );
}

export async function runPrepared(
  prepared: readonly Prepared[],
  io: CliIo,
  print: (line: string) => void,
  timeLimitMs = SCENARIO_TIME_LIMIT_MS_DEFAULT,
): Promise<ScenarioRuns> {
  const colors = paint(io.color);
  const results: RunResult[] = [];
  const repros = new Map<string, ReproRef>();
  // One child runs every scenario (it loads each client once); after a stopped run, a fresh one.
  const runner = new PlanRunner(prepared[0]?.spec ?? 'reference');
  try {
    for (const entry of prepared) {
      const { loaded, client, spec } = entry;
      const run = { scenario: loaded.scenario, path: loaded.path, client, spec, timeLimitMs, keepTrace: true };
      const result = await runIsolated(runner, run);
      if (result.passed) delete result.trace;
      results.push(result);
      repros.set(result.name, { path: loaded.path, steps: loaded.scenario.steps.length });
      print(`${runLine(result, colors, loaded.path)}\n`);
    }
  } finally {
    runner.close();
  }
  return { results, repros: Object.fromEntries(repros) };
}
