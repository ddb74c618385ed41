/**
 * @module cli/commands/gate
 * `syncstorm gate`: the one command for CI. Every scenario under scenarios/ (scenarios
 * that name no client run with --client), then a fuzz campaign against --client, then one
 * report for both. Exit 0 only when every scenario ended as expected and no seed failed.
 */
import type { ClientCache } from '../clients.ts';
import { countsLine } from '../format.ts';
import { type CampaignFlags, reproLines, runFuzzCampaign, shrinkFacts } from '../fuzz-run.ts';
import { type CliIo, paint } from '../io.ts';
import { emitReports, type ReportFlags } from '../reports.ts';
import { prepareScenarios, runLimits, runPrepared } from '../scenario-runs.ts';

export interface GateFlags extends Omit<CampaignFlags, 'seeds'>, ReportFlags {
  scenarios: string;
  allowScenarioClients?: boolean;
  /** 0: scenarios only. */
  seeds: number;
}

export async function gateCommand(flags: GateFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const prepared = await prepareScenarios([flags.scenarios], flags, clients);
  const client = await clients.describe(flags.client, '--client', flags.memoryLimit);
  const print = flags.json ? io.err : io.out;
  print(`scenarios: ${prepared.length} from ${flags.scenarios}\n`);
  const runs = await runPrepared(prepared, io, print, runLimits(flags), clients);
  const outcome = flags.seeds > 0 ? await runFuzzCampaign(flags, client, io) : { results: [], repros: [] };
  const results = [...runs.results, ...outcome.results];
  const reproScenarios = Object.fromEntries(outcome.repros.map((repro) => [repro.name, repro.scenario]));
  const { written } = emitReports(
    io,
    'gate',
    flags,
    { results, repros: runs.repros, reproScenarios, extra: { shrinks: shrinkFacts(outcome.repros) } },
    { alwaysWrite: true },
  );
  const paths = Object.fromEntries(
    (written?.summary.violations ?? []).flatMap((entry) => (entry.repro === null ? [] : [[entry.name, entry.repro]])),
  );
  print(reproLines(outcome.repros, paths, io, flags.client, flags.server));
  print(`${countsLine(results, paint(io.color))}\n`);
  return results.every((result) => result.passed && result.errors.length === 0) ? 0 : 1;
}
