/**
 * @module cli/fuzz-run
 * The campaign part of `fuzz` and `gate`: seeds (this shard's share) through worker
 * processes with a progress line, the failures shrunk into repro scenarios, a line per
 * failure saying how to replay it.
 */
import { declaredInvariant } from '../client/resolve.ts';
import { type FuzzOutcome, runFuzz } from '../scenario/fuzz.ts';
import type { ClientInfo } from '../scenario/plan-runner.ts';
import type { FuzzRepro } from '../scenario/repro.ts';
import { ALLOW_SCENARIO_CLIENTS_FLAG, clientRunsCode } from '../scenario/trust.ts';
import type { ProfileName } from '../sim/plan.ts';
import { planForSeed } from '../sim/seed-run.ts';
import { oneLine } from './format.ts';
import { type CliIo, paint, seconds } from './io.ts';
import { type Shard, shardRange } from './options.ts';
import { Progress } from './progress.ts';
import { type RunLimitFlags, runLimits } from './scenario-runs.ts';
import { ShrinkProgress } from './shrink-progress.ts';

export interface CampaignFlags extends RunLimitFlags {
  client: string;
  seeds: number;
  seedStart: number;
  devices: number;
  ops: number;
  profile: ProfileName;
  workers?: number;
  timeLimit?: number;
  shrinkTimeLimit?: number;
  shard?: Shard;
}

export async function runFuzzCampaign(flags: CampaignFlags, client: ClientInfo, io: CliIo): Promise<FuzzOutcome> {
  const { start, end } = shardRange(flags.seeds, flags.shard);
  const seeds = end - start;
  const seedStart = flags.seedStart + start;
  const label = `fuzz ${flags.client} (${flags.profile}, ${flags.devices} devices x ${flags.ops} ops, seeds ${seedStart}..${seedStart + seeds - 1})`;
  const colors = paint(io.color);
  const progress = new Progress(io, label, seeds);
  let failed = 0;
  let shrinking: ShrinkProgress | undefined;
  const preferInvariant = declaredInvariant(flags.client);
  const { timeLimitMs: runTimeLimitMs, heapMb } = runLimits(flags);
  const outcome = await runFuzz({
    clientSpec: flags.client,
    clientName: client.name,
    ...(runTimeLimitMs !== undefined ? { runTimeLimitMs } : {}),
    ...(heapMb !== undefined ? { heapMb } : {}),
    seeds,
    seedStart,
    profile: flags.profile,
    devices: flags.devices,
    opsPerDevice: flags.ops,
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    ...(preferInvariant !== undefined ? { preferInvariant } : {}),
    now: io.now,
    ...(flags.timeLimit !== undefined ? { timeLimitMs: flags.timeLimit } : {}),
    ...(flags.shrinkTimeLimit !== undefined ? { shrinkTimeLimitMs: flags.shrinkTimeLimit } : {}),
    onResult: (result, done) => {
      let note: string | undefined;
      if (!result.passed) {
        failed += 1;
        const first = result.violations[0];
        const why = first ? `${first.invariant}: ${first.message}` : (result.errors[0] ?? 'failed');
        note = `${colors.fail('✗')} seed ${result.seed}: ${oneLine(why)}`;
      }
      progress.update(done, failed, note);
    },
    onShrinkStart: (result, invariant) => {
      progress.finish();
      shrinking?.finish();
      const plan = planForSeed({
        seed: result.seed,
        profile: flags.profile,
        devices: flags.devices,
        opsPerDevice: flags.ops,
      });
      shrinking = new ShrinkProgress(io, `shrinking seed ${result.seed} (${invariant})`, plan);
    },
    onShrinkRun: (plan, failed, runs) => shrinking?.update(plan, failed, runs),
  });
  shrinking?.finish();
  progress.finish();
  if (outcome.stoppedBy === 'time-limit') io.err(`time limit reached after ${outcome.seedsRun} of ${seeds} seeds\n`);
  if (outcome.stoppedBy === 'failures-max')
    io.err(`stopped after the first failure (${outcome.seedsRun} of ${seeds} seeds run)\n`);
  return outcome;
}

/** Lines about each repro once its file is written. */
export function reproLines(
  repros: readonly FuzzRepro[],
  paths: Readonly<Record<string, string>>,
  io: CliIo,
  clientSpec = 'reference',
): string {
  const colors = paint(io.color);
  // The repro names the client; one that runs code needs the flag (docs/scenario-format.md).
  const allow = clientRunsCode(clientSpec) ? ` ${ALLOW_SCENARIO_CLIENTS_FLAG}` : '';
  return repros
    .map((repro) => {
      const path = paths[repro.name] ?? `repro/${repro.name}.json`;
      const size = `${repro.stepsAfter} steps, ${repro.rulesAfter} fault rules (from ${repro.stepsBefore} steps, ${repro.rulesBefore} rules; ${repro.shrinkRuns} runs, ${seconds(repro.shrinkMs)})`;
      const head = repro.reproduced
        ? `${colors.fail('✗')} ${repro.invariant} (seed ${repro.seed}): ${oneLine(repro.message)}`
        : `${colors.fail('✗')} seed ${repro.seed} did not fail again when re-run in this process; the repro may not reproduce`;
      return `${head}\n    repro: ${path}\n    ${size}\n    reproduce with: syncstorm run ${path}${allow}\n`;
    })
    .join('');
}

/** The --json extras: shrink measurements per repro. */
export function shrinkFacts(repros: readonly FuzzRepro[]): Record<string, unknown>[] {
  return repros.map((repro) => ({
    name: repro.name,
    seed: repro.seed,
    invariant: repro.invariant,
    reproduced: repro.reproduced,
    stepsBefore: repro.stepsBefore,
    stepsAfter: repro.stepsAfter,
    rulesBefore: repro.rulesBefore,
    rulesAfter: repro.rulesAfter,
    shrinkRuns: repro.shrinkRuns,
    shrinkMs: Math.round(repro.shrinkMs),
    stoppedEarly: repro.stoppedEarly,
    traceHash: repro.result.traceHash,
  }));
}
