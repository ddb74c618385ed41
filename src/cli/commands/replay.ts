/**
 * @module cli/commands/replay
 * `syncstorm replay <scenario>`: runs one scenario and prints its trace hash, which is the
 * same in every process on every machine for the same syncstorm version. `--trace` keeps
 * the trace as JSON lines.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadScenario, scenarioClient } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import type { ClientCache } from '../clients.ts';
import { runLine } from '../format.ts';
import { type CliIo, paint } from '../io.ts';

export interface ReplayFlags {
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
  const client = await clients.get(spec, `Scenario '${path}' (client '${spec}')`);
  if (flags.trace !== undefined) mkdirSync(dirname(flags.trace), { recursive: true });
  const result = await runScenario(scenario, client, {
    source: path,
    ...(flags.trace ? { traceFile: flags.trace } : {}),
  });
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
    io.out(`trace sha256 ${result.traceHash}\n`);
    if (flags.trace !== undefined) io.err(`trace written to ${flags.trace}\n`);
  }
  return result.passed && result.errors.length === 0 ? 0 : 1;
}
