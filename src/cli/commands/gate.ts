/**
 * @module cli/commands/gate
 * `syncstorm gate`: the one command for CI. The test plan (scenarios that name no client
 * run with --client), then a fuzz campaign against --client, then one report for both.
 * The plan: `--scenarios <dir>` when given; otherwise syncstorm's bundled test plan (never
 * its mutant scenarios) plus the project's own `scenarios/` folder when there is one.
 * Exit 0 only when every scenario ended as expected and no seed failed.
 */
import { existsSync } from 'node:fs';
import { BUNDLED_SCENARIOS, bundledPlanFiles, isBundledFolder } from '../../scenario/bundled.ts';
import { displayPath } from '../../scenario/load.ts';
import type { ClientCache } from '../clients.ts';
import { countsLine } from '../format.ts';
import { type CampaignFlags, reproLines, runFuzzCampaign, shrinkFacts } from '../fuzz-run.ts';
import { type CliIo, paint } from '../io.ts';
import { emitReports, type ReportFlags } from '../reports.ts';
import { prepareScenarios, runLimits, runPrepared } from '../scenario-runs.ts';

export interface GateFlags extends Omit<CampaignFlags, 'seeds'>, ReportFlags {
  /** Absent: the bundled plan plus ./scenarios when it exists. */
  scenarios?: string;
  allowScenarioClients?: boolean;
  /** 0: scenarios only. */
  seeds: number;
}

export async function gateCommand(flags: GateFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const plan = gatePlan(flags.scenarios);
  const prepared = await prepareScenarios(plan.paths, flags, clients);
  const client = await clients.describe(flags.client, '--client', flags.memoryLimit);
  const print = flags.json ? io.err : io.out;
  print(`scenarios: ${prepared.length} from ${plan.label}\n`);
  const runs = await runPrepared(prepared, io, print, runLimits(flags), clients, { ...flags });
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
  print(reproLines(outcome.repros, paths, io, { ...flags }));
  print(`${countsLine(results, paint(io.color))}\n`);
  return results.every((result) => result.passed && result.errors.length === 0) ? 0 : 1;
}

/** The project's own scenario folder, looked for when --scenarios is not given. */
export const OWN_SCENARIOS = 'scenarios';

/** What the gate runs before its campaign, and how to say so. */
export function gatePlan(scenarios: string | undefined): { paths: string[]; label: string } {
  if (scenarios !== undefined) return { paths: [scenarios], label: scenarios };
  // In a syncstorm checkout ./scenarios is the bundled folder: it runs whole, as the project's own.
  if (isBundledFolder(OWN_SCENARIOS)) return { paths: [OWN_SCENARIOS], label: OWN_SCENARIOS };
  const bundled = `syncstorm's bundled test plan (${displayPath(BUNDLED_SCENARIOS)}, classic failures against --client)`;
  if (!existsSync(OWN_SCENARIOS)) {
    return { paths: bundledPlanFiles(), label: `${bundled}; no ${OWN_SCENARIOS}/ folder here` };
  }
  return { paths: [...bundledPlanFiles(), OWN_SCENARIOS], label: `${bundled} and ${OWN_SCENARIOS}/` };
}
