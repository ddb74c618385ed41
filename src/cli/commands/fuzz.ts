/**
 * @module cli/commands/fuzz
 * `syncstorm fuzz`: a campaign of drawn runs against one client. Each failure is shrunk
 * to a repro scenario under `<report>/<run>/repro/`, with its trace and diagram; exit 1
 * when any seed failed.
 */
import type { ClientCache } from '../clients.ts';
import { countsLine } from '../format.ts';
import { type CampaignFlags, reproLines, runFuzzCampaign, shrinkFacts } from '../fuzz-run.ts';
import { type CliIo, paint } from '../io.ts';
import { emitReports, type ReportFlags } from '../reports.ts';

export type FuzzFlags = CampaignFlags & ReportFlags;

export async function fuzzCommand(flags: FuzzFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const client = await clients.describe(flags.client, '--client', flags.memoryLimit);
  const outcome = await runFuzzCampaign(flags, client, io);
  const print = flags.json ? io.err : io.out;
  const reproScenarios = Object.fromEntries(outcome.repros.map((repro) => [repro.name, repro.scenario]));
  const { written } = emitReports(
    io,
    'fuzz',
    flags,
    { results: outcome.results, reproScenarios, extra: { shrinks: shrinkFacts(outcome.repros) } },
    { alwaysWrite: true },
  );
  const paths = Object.fromEntries(
    (written?.summary.violations ?? []).flatMap((entry) => (entry.repro === null ? [] : [[entry.name, entry.repro]])),
  );
  print(reproLines(outcome.repros, paths, io, flags.client, flags.server));
  print(`${countsLine(outcome.results, paint(io.color))}\n`);
  return outcome.results.every((result) => result.passed && result.errors.length === 0) ? 0 : 1;
}
