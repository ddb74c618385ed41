/**
 * Campaign benchmark (issue 5). Run: `npx tsx bench/campaign.ts [--seeds N] [--quick]`.
 * Prints, for the standard campaign (3 devices, 100 user actions each, `flaky`): seeds per
 * second on this machine (child-process workers), events and HTTP exchanges per second, and
 * virtual time simulated per wall second; then, per mutant, the seeds until first detection
 * of its declared invariant; then how the cost per event grows with the device count.
 */
import { performance } from 'node:perf_hooks';
import { MUTANTS } from '../src/client/mutants/index.ts';
import { resolveClient } from '../src/client/resolve.ts';
import { runCampaign } from '../src/sim/campaign.ts';
import { runSeed } from '../src/sim/seed-run.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedsArg = args.indexOf('--seeds');
const seeds = seedsArg >= 0 ? Number(args[seedsArg + 1]) : quick ? 20 : 100;

async function standardCampaign(): Promise<void> {
  const start = performance.now();
  const results = await runCampaign({
    clientSpec: 'reference',
    seeds,
    seedStart: 1,
    profile: 'flaky',
    devices: 3,
    opsPerDevice: 100,
  });
  const wallS = (performance.now() - start) / 1000;
  const events = results.reduce((sum, result) => sum + result.stats.events, 0);
  const exchanges = results.reduce((sum, result) => sum + result.stats.exchanges, 0);
  const virtualMs = results.reduce((sum, result) => sum + result.stats.virtualMs, 0);
  const failed = results.filter((result) => !result.passed).length;
  console.log(
    `standard campaign: ${seeds} seeds (3 devices x 100 actions, flaky) in ${wallS.toFixed(2)} s, ${failed} failed`,
  );
  console.log(`  seeds/s            ${(seeds / wallS).toFixed(2)}`);
  console.log(`  events/s           ${Math.round(events / wallS)}`);
  console.log(`  exchanges/s        ${Math.round(exchanges / wallS)}`);
  console.log(`  time compression   ${Math.round(virtualMs / 1000 / wallS)}x (virtual s per wall s, all workers)`);
}

async function mutantTable(): Promise<void> {
  console.log('\nmutant                               invariant          first seed (of 200)');
  for (const mutant of MUTANTS) {
    let found = -1;
    await runCampaign({
      clientSpec: `mutant:${mutant.name}`,
      seeds: quick ? 50 : 200,
      seedStart: 1,
      profile: 'flaky',
      devices: 3,
      opsPerDevice: 30,
      stopWhen: (result) => result.violations.some((violation) => violation.invariant === mutant.invariant),
      onResult: (result) => {
        if (found < 0 && result.violations.some((violation) => violation.invariant === mutant.invariant))
          found = Number(result.seed);
      },
    });
    console.log(`${mutant.name.padEnd(36)} ${mutant.invariant.padEnd(18)} ${found < 0 ? 'not found' : found}`);
  }
}

async function scaling(): Promise<void> {
  const client = await resolveClient('reference');
  console.log('\ndevices  events   wall ms   µs/event');
  for (const devices of quick ? [3, 100] : [3, 100, 1000]) {
    const opsPerDevice = devices >= 1000 ? 3 : 10;
    const start = performance.now();
    const result = await runSeed({ seed: '1', client, profile: 'calm', devices, opsPerDevice, chaosMs: 60_000 });
    const wallMs = performance.now() - start;
    console.log(
      `${String(devices).padStart(7)}  ${String(result.stats.events).padStart(7)}  ${wallMs.toFixed(0).padStart(8)}  ${((wallMs * 1000) / result.stats.events).toFixed(1).padStart(9)}`,
    );
  }
}

await standardCampaign();
await mutantTable();
await scaling();
