/**
 * Runs one drawn seed with a test engine that uses the process's globals (timers, Date,
 * Math.random, randomUUID, WebCrypto) instead of `env`, and prints only its trace hash.
 * Usage: `npx tsx test/determinism/run-globals-seed.ts <seed>`.
 */
import { runSeed } from '../../src/sim/seed-run.ts';
import { globalsClient } from '../sim/fixtures/global-clients.ts';

const seed = process.argv[2];
if (seed === undefined || seed === '') {
  process.stderr.write('usage: tsx test/determinism/run-globals-seed.ts <seed>\n');
  process.exit(2);
}
const result = await runSeed({ seed, client: globalsClient, profile: 'flaky', devices: 3, opsPerDevice: 15 });
if (result.leaks !== undefined || result.errors.length > 0) {
  process.stderr.write(`unexpected: ${JSON.stringify({ leaks: result.leaks, errors: result.errors })}\n`);
  process.exit(1);
}
process.stdout.write(`${result.traceHash}\n`);
