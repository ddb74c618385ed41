/**
 * Runs the seeded determinism scenario and prints only its trace hash, so that two
 * processes can be compared. Usage: `npx tsx test/determinism/run-seed.ts <seed>`.
 */
import { runNetworkScenario } from './network-scenario.ts';

const seed = process.argv[2];
if (seed === undefined || seed === '') {
  process.stderr.write('usage: tsx test/determinism/run-seed.ts <seed>\n');
  process.exit(2);
}
const { hash } = await runNetworkScenario({ seed });
process.stdout.write(`${hash}\n`);
