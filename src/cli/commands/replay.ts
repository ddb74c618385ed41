/**
 * @module cli/commands/replay
 * `syncstorm replay <scenario>`: runs one scenario and prints its trace hash, which is the
 * same in every process on every machine for the same syncstorm version. `--trace` keeps
 * the trace as JSON lines. The run happens in a child process under a wall-time limit.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { displayPath, loadScenario, scenarioClient } from '../../scenario/load.ts';
import { checkCollections } from '../../scenario/run.ts';
import { scenarioServer, withServer } from '../../scenario/server-spec.ts';
import { assertScenarioClientAllowed, assertScenarioServerAllowed } from '../../scenario/trust.ts';
import { checkServerSpec } from '../../server/resolve.ts';
import type { ClientCache } from '../clients.ts';
import { runLine } from '../format.ts';
import { type CliIo, paint } from '../io.ts';
import { SCENARIO_TIME_LIMIT_MS_DEFAULT } from '../options.ts';
import { outputFailure } from '../output-paths.ts';
import { reproduceCommand } from '../replay-hint.ts';
import { type RunLimitFlags, runIsolated, runLimits } from '../scenario-runs.ts';

export interface ReplayFlags extends RunLimitFlags {
  client: string;
  trace?: string;
  json?: boolean;
  /** The scenario may name a client that runs code (a module path, `process:`). */
  allowScenarioClients?: boolean;
  /** Server if the scenario names none. */
  server?: string;
}

/** When `path` was last changed (undefined: it does not exist). */
function changedAt(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** What became of `--trace`: written, cut short with the run, or not written at all (unchanged since `before`). */
function traceNote(path: string, finished: boolean, before: number | undefined): string {
  const after = changedAt(path);
  const written = after !== undefined && after !== before && statSync(path).isFile();
  if (!written) return `no trace written to ${path}`;
  return finished ? `trace written to ${path}` : `trace written to ${path} up to where the run stopped`;
}

export async function replayCommand(
  path: string,
  flags: ReplayFlags,
  io: CliIo,
  clients: ClientCache,
): Promise<number> {
  const loaded = loadScenario(path);
  const named = scenarioClient(loaded, path);
  const trust = { allowScenarioClients: flags.allowScenarioClients === true, commandLineClient: flags.client };
  assertScenarioClientAllowed(displayPath(path), named, trust);
  if (flags.server !== undefined) checkServerSpec(flags.server, '--server');
  const server = { ...trust, commandLineServer: flags.server };
  assertScenarioServerAllowed(displayPath(path), scenarioServer(loaded, path), server);
  const scenario = withServer(loaded, path, flags.server);
  const spec = named ?? flags.client;
  const client = await clients.describe(spec, `Scenario '${path}' (client '${spec}')`, flags.memoryLimit);
  if (flags.trace !== undefined) {
    try {
      mkdirSync(dirname(flags.trace), { recursive: true });
    } catch (error) {
      throw outputFailure('--trace', flags.trace, error);
    }
  }
  checkCollections(scenario, client, path);
  const traceBefore = flags.trace === undefined ? undefined : changedAt(flags.trace);
  // In a child process, like `run`: a client that never yields is stopped at the time limit,
  // and the trace streamed to --trace up to that point stays for a look.
  const limits = runLimits(flags);
  const runner = clients.runner(spec, limits.heapMb);
  const result = await runIsolated(runner, {
    scenario,
    path,
    client,
    spec,
    timeLimitMs: limits.timeLimitMs ?? SCENARIO_TIME_LIMIT_MS_DEFAULT,
    keepTrace: false,
    ...(flags.trace ? { traceFile: resolve(flags.trace) } : {}),
  }).finally(() => runner.close());
  if (flags.json) {
    const {
      name,
      seed,
      client: clientName,
      profile,
      traceHash,
      passed,
      violations,
      errors,
      expectedViolations,
    } = result;
    const served = result.server !== undefined ? { server: result.server } : {};
    io.out(
      `${JSON.stringify({ name, seed, client: clientName, ...served, profile, traceHash, passed, expectedViolations, violations, errors }, null, 2)}\n`,
    );
  } else {
    const namedServer = scenarioServer(loaded, path);
    const hint = {
      flags: { ...flags },
      ...(named !== undefined ? { scenarioClient: named } : {}),
      ...(namedServer !== undefined ? { scenarioServer: namedServer } : {}),
    };
    const reproduce = reproduceCommand('replay', path, hint);
    io.out(`${runLine(result, paint(io.color), path, { time: false, reproduce })}\n`);
    io.out(`trace sha256 ${result.traceHash === '' ? 'none: the run did not finish' : result.traceHash}\n`);
    if (flags.trace !== undefined) io.err(`${traceNote(flags.trace, result.traceHash !== '', traceBefore)}\n`);
  }
  return result.passed && result.errors.length === 0 ? 0 : 1;
}
