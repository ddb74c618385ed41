/**
 * @module cli/commands/replay
 * `syncstorm replay <scenario>`: runs one scenario and prints its trace hash, which is the
 * same in every process on every machine for the same syncstorm version. `--trace` keeps
 * the trace as JSON lines. The run happens in a child process under a wall-time limit.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadScenario, scenarioClient } from '../../scenario/load.ts';
import { checkCollections } from '../../scenario/run.ts';
import type { ClientCache } from '../clients.ts';
import { runLine } from '../format.ts';
import { type CliIo, paint } from '../io.ts';
import { SCENARIO_TIME_LIMIT_MS_DEFAULT } from '../options.ts';
import { type RunLimitFlags, runIsolated, runLimits } from '../scenario-runs.ts';

export interface ReplayFlags extends RunLimitFlags {
  client: string;
  trace?: string;
  json?: boolean;
}

export async function replayCommand(
  path: string,
  flags: ReplayFlags,
  io: CliIo,
  clients: ClientCache,
): Promise<number> {
  const scenario = loadScenario(path);
  const spec = scenarioClient(scenario, path) ?? flags.client;
  const client = await clients.describe(spec, `Scenario '${path}' (client '${spec}')`, flags.memoryLimit);
  if (flags.trace !== undefined) mkdirSync(dirname(flags.trace), { recursive: true });
  checkCollections(scenario, client, path);
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
    io.out(
      `${JSON.stringify({ name, seed, client: clientName, profile, traceHash, passed, expectedViolations, violations, errors }, null, 2)}\n`,
    );
  } else {
    io.out(`${runLine(result, paint(io.color), path, { time: false })}\n`);
    io.out(`trace sha256 ${result.traceHash === '' ? 'none: the run did not finish' : result.traceHash}\n`);
    if (flags.trace !== undefined) io.err(`trace written to ${flags.trace}\n`);
  }
  return result.passed && result.errors.length === 0 ? 0 : 1;
}
