/**
 * @module cli/scenario-runs
 * Runs scenario files one after the other in this process: every file is loaded and every
 * client resolved before the first run, so bad input stops the command (exit 2) before
 * any work; then a line per scenario as it finishes.
 */
import type { ClientFactory } from '../client/contract.ts';
import type { ReproRef } from '../report/index.ts';
import { type LoadedScenario, loadScenarios, scenarioClient } from '../scenario/load.ts';
import { runScenario } from '../scenario/run.ts';
import type { RunResult } from '../sim/result.ts';
import type { ClientCache } from './clients.ts';
import { runLine } from './format.ts';
import { type CliIo, paint } from './io.ts';
import { type Shard, shardRange } from './options.ts';

export interface ScenarioRunFlags {
  /** Client for scenarios that name none. */
  client: string;
  shard?: Shard;
}

export interface ScenarioRuns {
  results: RunResult[];
  /** Scenario file per run name. */
  repros: Record<string, ReproRef>;
}

interface Prepared {
  loaded: LoadedScenario;
  client: ClientFactory;
}

export async function prepareScenarios(
  paths: readonly string[],
  flags: ScenarioRunFlags,
  clients: ClientCache,
): Promise<Prepared[]> {
  const all = loadScenarios(paths);
  const { start, end } = shardRange(all.length, flags.shard);
  const prepared: Prepared[] = [];
  for (const loaded of all.slice(start, end)) {
    const spec = scenarioClient(loaded.scenario, loaded.path) ?? flags.client;
    const where = `Scenario '${loaded.path}' (client '${spec}')`;
    prepared.push({ loaded, client: await clients.get(spec, where) });
  }
  return prepared;
}

export async function runPrepared(
  prepared: readonly Prepared[],
  io: CliIo,
  print: (line: string) => void,
): Promise<ScenarioRuns> {
  const colors = paint(io.color);
  const results: RunResult[] = [];
  const repros: Record<string, ReproRef> = {};
  for (const { loaded, client } of prepared) {
    const result = await runScenario(loaded.scenario, client, { keepTrace: true, source: loaded.path });
    if (result.passed) delete result.trace;
    results.push(result);
    repros[result.name] = { path: loaded.path, steps: loaded.scenario.steps.length };
    print(`${runLine(result, colors, loaded.path)}\n`);
  }
  return { results, repros };
}
