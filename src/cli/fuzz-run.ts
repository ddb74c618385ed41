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
import { checkServerSpec, declaredServerInvariant } from '../server/resolve.ts';
import type { ProfileName } from '../sim/plan.ts';
import { planForSeed } from '../sim/seed-run.ts';
import { oneLine } from './format.ts';
import { type CliIo, paint, seconds } from './io.ts';
import { type Shard, shardRange } from './options.ts';
import { Progress } from './progress.ts';
import { reproduceCommand } from './replay-hint.ts';
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
  /** `--server`: the server every seed runs against. */
  server?: string;
}

export async function runFuzzCampaign(flags: CampaignFlags, client: ClientInfo, io: CliIo): Promise<FuzzOutcome> {
  const { start, end } = shardRange(flags.seeds, flags.shard);
  const seeds = end - start;
  const seedStart = flags.seedStart + start;
  const against = flags.server === undefined ? '' : ` against server ${flags.server}`;
  const label = `fuzz ${flags.client}${against} (${flags.profile}, ${flags.devices} devices x ${flags.ops} ops, seeds ${seedStart}..${seedStart + seeds - 1})`;
  const colors = paint(io.color);
  const progress = new Progress(io, label, seeds);
  let failed = 0;
  if (flags.server !== undefined) checkServerSpec(flags.server, '--server');
  const server = flags.server === undefined || flags.server.trim() === 'reference' ? undefined : flags.server.trim();
  // A mutant client's bug is the one looked for; else a mutant server's.
  const preferInvariant =
    declaredInvariant(flags.client) ?? (server === undefined ? undefined : declaredServerInvariant(server));
  let shrinking: ShrinkProgress | undefined;
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
    ...(server !== undefined ? { server } : {}),
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

/** Why a search stopped early, in words (a count is the same on every machine; time is not). */
function stopNote(repro: FuzzRepro): string | undefined {
  const candidates = `${repro.shrinkRuns} candidate${repro.shrinkRuns === 1 ? '' : 's'}`;
  if (repro.stoppedBy === 'time')
    return `shrinking stopped at its time limit after ${candidates}; the repro is the ${repro.shrunk ? 'smallest failing plan found so far' : 'unshrunk plan'}`;
  if (repro.stoppedBy === 'runs') return `shrinking stopped at its bound of ${candidates}`;
  if (repro.stoppedBy === 'events')
    return `shrinking stopped at its bound of scheduler events (${repro.shrinkEvents}) after ${candidates}`;
  return undefined;
}

/** The first line about a repro: what it shows, or why it may not show it. */
function headLine(repro: FuzzRepro, colors: ReturnType<typeof paint>): string {
  const mark = colors.fail('✗');
  if (repro.differed !== undefined)
    return (
      `${mark} seed ${repro.seed} ran differently when re-run (trace sha256 ${repro.differed.originalHash} first, ` +
      `${repro.differed.rerunHash} re-run); the repro may not reproduce`
    );
  return `${mark} ${repro.invariant} (seed ${repro.seed}): ${oneLine(repro.message)}`;
}

/** Lines about each repro once its file is written; a repro whose file was not written says so. */
export function reproLines(
  repros: readonly FuzzRepro[],
  paths: Readonly<Record<string, string>>,
  io: CliIo,
  flags: Readonly<Record<string, unknown>> & { client: string },
): string {
  const colors = paint(io.color);
  // The repro names the client (one that runs code needs --allow-scenario-clients); the
  // other flags that change a run are carried over (cli/replay-hint).
  const hint = {
    flags,
    scenarioClient: flags.client,
    ...(typeof flags.server === 'string' ? { scenarioServer: flags.server } : {}),
  };
  return repros
    .map((repro) => {
      const path = paths[repro.name];
      const lines = [headLine(repro, colors)];
      const others = repro.broken.filter((name) => name !== repro.invariant);
      if (others.length > 0) lines.push(`    the run also broke: ${others.join(', ')}`);
      lines.push(path === undefined ? '    no repro file was written' : `    repro: ${path}`);
      lines.push(
        repro.shrinkRuns === 0
          ? `    not shrunk: ${repro.stepsAfter} steps, ${repro.rulesAfter} fault rules (only the first failures are shrunk)`
          : `    ${repro.stepsAfter} steps, ${repro.rulesAfter} fault rules (from ${repro.stepsBefore} steps, ${repro.rulesBefore} rules; ${repro.shrinkRuns} runs, ${seconds(repro.shrinkMs)})`,
      );
      const stopped = stopNote(repro);
      if (stopped !== undefined) lines.push(`    ${stopped}`);
      if (path !== undefined) lines.push(`    reproduce with: ${reproduceCommand('run', path, hint)}`);
      return `${lines.join('\n')}\n`;
    })
    .join('');
}

/** The --json extras: shrink measurements per repro. */
export function shrinkFacts(repros: readonly FuzzRepro[]): Record<string, unknown>[] {
  return repros.map((repro) => ({
    name: repro.name,
    seed: repro.seed,
    invariant: repro.invariant,
    broken: repro.broken,
    reproduced: repro.reproduced,
    shrunk: repro.shrunk,
    stepsBefore: repro.stepsBefore,
    stepsAfter: repro.stepsAfter,
    rulesBefore: repro.rulesBefore,
    rulesAfter: repro.rulesAfter,
    shrinkRuns: repro.shrinkRuns,
    shrinkMs: Math.round(repro.shrinkMs),
    shrinkEvents: repro.shrinkEvents,
    stoppedEarly: repro.stoppedEarly,
    ...(repro.stoppedBy !== undefined ? { stoppedBy: repro.stoppedBy } : {}),
    ...(repro.differed !== undefined ? { differed: repro.differed } : {}),
    traceHash: repro.result.traceHash,
  }));
}
