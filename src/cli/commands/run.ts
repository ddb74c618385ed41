/**
 * @module cli/commands/run
 * `syncstorm run <files|dirs...>`: runs scenario files (folders recursively) and exits 0
 * when each ended as it expects, 1 otherwise.
 */
import type { ClientCache } from '../clients.ts';
import { countsLine } from '../format.ts';
import { type CliIo, paint } from '../io.ts';
import type { Shard } from '../options.ts';
import { emitReports, type ReportFlags } from '../reports.ts';
import { prepareScenarios, type RunLimitFlags, runLimits, runPrepared } from '../scenario-runs.ts';

export interface RunFlags extends ReportFlags, RunLimitFlags {
  client: string;
  shard?: Shard;
  allowScenarioClients?: boolean;
}

export async function runCommand(paths: string[], flags: RunFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const prepared = await prepareScenarios(paths, flags, clients);
  const print = flags.json ? io.err : io.out;
  const runs = await runPrepared(prepared, io, print, runLimits(flags), clients, { ...flags });
  print(`${countsLine(runs.results, paint(io.color))}\n`);
  emitReports(io, 'run', flags, { results: runs.results, repros: runs.repros }, { alwaysWrite: false });
  return runs.results.every((result) => result.passed && result.errors.length === 0) ? 0 : 1;
}
