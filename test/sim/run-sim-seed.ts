/**
 * Runs one drawn seed of the full simulation (reference client, hostile profile) and prints
 * only its trace hash. Usage: `npx tsx test/sim/run-sim-seed.ts <seed> [profile]`.
 */
import { createReferenceClient } from '../../src/client/reference/index.ts';
import type { ProfileName } from '../../src/sim/plan.ts';
import { runSeed } from '../../src/sim/seed-run.ts';

const seed = process.argv[2];
if (seed === undefined || seed === '') {
  process.stderr.write('usage: tsx test/sim/run-sim-seed.ts <seed> [profile]\n');
  process.exit(2);
}
const profile = (process.argv[3] ?? 'hostile') as ProfileName;
const result = await runSeed({ seed, client: createReferenceClient(), profile, devices: 3, opsPerDevice: 30 });
process.stdout.write(`${result.traceHash}\n`);
