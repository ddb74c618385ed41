/**
 * @module vitest/fuzz
 * The campaign of a conformance suite, run in this process one seed after another (a bare
 * factory cannot be sent to worker processes, and a CI machine's cores already run test
 * files in parallel). The first failing seed is shrunk into a repro scenario.
 */
import type { ClientFactory } from '../client/contract.ts';
import { type FuzzRepro, makeRepro } from '../scenario/repro.ts';
import { brokenInvariants, rootInvariant } from '../scenario/root-cause.ts';
import { isClientErrorKind } from '../sim/client-errors.ts';
import type { ProfileName } from '../sim/plan.ts';
import type { RunResult } from '../sim/result.ts';
import { planForSeed, runSeed } from '../sim/seed-run.ts';

export interface CampaignOptions {
  client: ClientFactory;
  /** Written into the repro as its client (a name when the CLI cannot load the client). */
  clientSpec: string;
  seeds: number;
  seedStart: number;
  profile: ProfileName;
  devices: number;
  opsPerDevice: number;
  shrinkTimeLimitMs: number;
}

export interface CampaignOutcome {
  results: RunResult[];
  /** The first failing seed's run and, when it violated an invariant, its shrunk repro. */
  failure?: { result: RunResult; repro?: FuzzRepro };
}

/** Real milliseconds, to bound shrinking (outside the simulated world). */
const realNow = () => performance.now(); // allowed: wall-time bound on shrinking, never seen by a run

export async function runCampaignInProcess(options: CampaignOptions): Promise<CampaignOutcome> {
  const results: RunResult[] = [];
  const draw = { profile: options.profile, devices: options.devices, opsPerDevice: options.opsPerDevice };
  for (let index = 0; index < options.seeds; index++) {
    const seed = String(options.seedStart + index);
    const result = await runSeed({ seed, client: options.client, ...draw, keepTrace: true });
    if (result.passed && result.errors.length === 0) {
      delete result.trace;
      results.push(result);
      continue;
    }
    results.push(result);
    const invariant = rootInvariant(result.violations.filter((violation) => !isClientErrorKind(violation.invariant)));
    if (invariant === undefined) return { results, failure: { result } };
    const repro = await makeRepro({
      seed,
      plan: planForSeed({ seed, ...draw }),
      draw,
      clientSpec: options.clientSpec,
      clientName: options.client.name,
      invariant,
      broken: brokenInvariants(result.violations),
      original: result,
      now: realNow,
      timeLimitMs: options.shrinkTimeLimitMs,
    });
    return { results, failure: { result: repro.result, repro } };
  }
  return { results };
}
