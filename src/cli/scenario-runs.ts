/**
 * @module cli/scenario-runs
 * Runs scenario files one after the other: every file is loaded and every client resolved
 * before the first run, so bad input stops the command (exit 2) before any work; then a
 * line per scenario as it finishes. The runs happen in a supervised child process (the
 * same run, so the same trace hash, as in any process; it loads each client once), under
 * a wall-time limit counted from the client's start and a heap limit: a client that never
 * yields, exits, crashes or runs out of memory is stopped, reported as a client error,
 * and the next scenario runs in a fresh child.
 */
import type { ReproRef } from '../report/index.ts';
import { runScenarioInChild } from '../scenario/isolated-run.ts';
import { type LoadedScenario, loadScenarios, scenarioClient } from '../scenario/load.ts';
import type { ClientInfo, PlanRunner } from '../scenario/plan-runner.ts';
import { checkCollections } from '../scenario/run.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scenarioServer, withServer } from '../scenario/server-spec.ts';
import { assertScenarioClientAllowed, assertScenarioServerAllowed } from '../scenario/trust.ts';
import { checkServerSpec } from '../server/resolve.ts';
import type { RunResult } from '../sim/result.ts';
import type { ClientCache } from './clients.ts';
import { runLine } from './format.ts';
import { type CliIo, paint } from './io.ts';
import { SCENARIO_TIME_LIMIT_MS_DEFAULT, type Shard, shardRange } from './options.ts';
import { reproduceCommand } from './replay-hint.ts';

export interface ScenarioRunFlags {
  /** Client for scenarios that name none. */
  client: string;
  shard?: Shard;
  /** Scenario files may name clients that run code (module paths, `process:`). */
  allowScenarioClients?: boolean;
  /** Heap of the child that runs the clients, MB. */
  memoryLimit?: number;
  /** Server for scenarios that name none (`--server`). */
  server?: string;
}

export interface ScenarioRuns {
  results: RunResult[];
  /** Scenario file per run name. */
  repros: Record<string, ReproRef>;
}

interface Prepared {
  loaded: LoadedScenario;
  client: ClientInfo;
  /** The client as the child process resolves it. */
  spec: string;
  /** The server the scenario file names itself (its `server` field), before --server applies. */
  namedServer?: string;
}

export async function prepareScenarios(
  paths: readonly string[],
  flags: ScenarioRunFlags,
  clients: ClientCache,
): Promise<Prepared[]> {
  const all = loadScenarios(paths);
  // Every file is checked before any client resolves: a refused one means nothing ran.
  const trust = { allowScenarioClients: flags.allowScenarioClients === true, commandLineClient: flags.client };
  if (flags.server !== undefined) checkServerSpec(flags.server, '--server');
  for (const loaded of all) {
    assertScenarioClientAllowed(loaded.path, scenarioClient(loaded.scenario, loaded.path), trust);
    const serverTrust = { ...trust, commandLineServer: flags.server };
    assertScenarioServerAllowed(loaded.path, scenarioServer(loaded.scenario, loaded.path), serverTrust);
  }
  const { start, end } = shardRange(all.length, flags.shard);
  const prepared: Prepared[] = [];
  for (const named of all.slice(start, end)) {
    // The server goes into the scenario's plan: the child, a repro and a replay all see it.
    const namedServer = scenarioServer(named.scenario, named.path);
    const loaded = { ...named, scenario: withServer(named.scenario, named.path, flags.server) };
    const spec = scenarioClient(loaded.scenario, loaded.path) ?? flags.client;
    const where = `Scenario '${loaded.path}' (client '${spec}')`;
    const client = await clients.describe(spec, where, flags.memoryLimit);
    checkCollections(loaded.scenario, client, loaded.path);
    prepared.push({ loaded, client, spec, ...(namedServer !== undefined ? { namedServer } : {}) });
  }
  return prepared;
}

export interface IsolatedRun {
  scenario: Scenario;
  /** Where the scenario came from, for messages. */
  path: string;
  client: ClientInfo;
  /** The client as the child process resolves it. */
  spec: string;
  timeLimitMs: number;
  keepTrace: boolean;
  traceFile?: string;
}

/** Runs one scenario on `runner`'s child process; a run that overruns or dies becomes a failed result. */
export function runIsolated(runner: PlanRunner, run: IsolatedRun): Promise<RunResult> {
  return runScenarioInChild(runner, run.scenario, {
    clientSpec: run.spec,
    clientName: run.client.name,
    timeLimitMs: run.timeLimitMs,
    keepTrace: run.keepTrace,
    ...(run.traceFile !== undefined ? { traceFile: run.traceFile } : {}),
    what: `scenario ${run.path}`,
  });
}

/** Bounds on the children that run scenarios. */
export interface RunLimits {
  /** Wall ms one scenario may take from its client's start. */
  timeLimitMs?: number;
  /** Heap of the child, MB. */
  heapMb?: number;
}

/** `--run-time-limit` (or its older name `--scenario-time-limit`) and `--memory-limit`, as parsed. */
export interface RunLimitFlags {
  runTimeLimit?: number;
  scenarioTimeLimit?: number;
  memoryLimit?: number;
}

export function runLimits(flags: RunLimitFlags): RunLimits {
  const timeLimitMs = flags.runTimeLimit ?? flags.scenarioTimeLimit;
  return {
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(flags.memoryLimit !== undefined ? { heapMb: flags.memoryLimit } : {}),
  };
}

export async function runPrepared(
  prepared: readonly Prepared[],
  io: CliIo,
  print: (line: string) => void,
  limits: RunLimits,
  clients: ClientCache,
  /** The command's parsed flags: the "reproduce with" line carries those that change a run. */
  flags: Readonly<Record<string, unknown>> = {},
): Promise<ScenarioRuns> {
  const timeLimitMs = limits.timeLimitMs ?? SCENARIO_TIME_LIMIT_MS_DEFAULT;
  const colors = paint(io.color);
  const results: RunResult[] = [];
  const repros = new Map<string, ReproRef>();
  // One child runs every scenario (it loads each client once); after a stopped run, a fresh one.
  const runner = clients.runner(prepared[0]?.spec ?? 'reference', limits.heapMb);
  try {
    for (const entry of prepared) {
      const { loaded, client, spec, namedServer } = entry;
      const run = { scenario: loaded.scenario, path: loaded.path, client, spec, timeLimitMs, keepTrace: true };
      const result = await runIsolated(runner, run);
      if (result.passed) delete result.trace;
      results.push(result);
      repros.set(result.name, { path: loaded.path, steps: loaded.scenario.steps.length });
      const named = scenarioClient(loaded.scenario, loaded.path);
      const hint = {
        flags,
        ...(named !== undefined ? { scenarioClient: named } : {}),
        ...(namedServer !== undefined ? { scenarioServer: namedServer } : {}),
      };
      print(`${runLine(result, colors, loaded.path, { reproduce: reproduceCommand('replay', loaded.path, hint) })}\n`);
    }
  } finally {
    runner.close();
  }
  return { results, repros: Object.fromEntries(repros) };
}
