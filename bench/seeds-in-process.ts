/**
 * Runs N seeds of the standard campaign (3 devices x 100 actions, flaky) in this process,
 * one after another, and prints CPU ms per seed. For profiling:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/seeds-in-process.ts --seeds 10`.
 */
import { resolveClient } from '../src/client/resolve.ts';
import { runSeed } from '../src/sim/seed-run.ts';

const args = process.argv.slice(2);
const seedsArg = args.indexOf('--seeds');
const seeds = seedsArg >= 0 ? Number(args[seedsArg + 1]) : 10;
const client = await resolveClient('reference');
// Two seeds first, not counted: the first run loads and compiles what a warm worker has loaded.
for (let seed = 1001; seed <= 1002; seed++)
  await runSeed({ seed: String(seed), client, profile: 'flaky', devices: 3, opsPerDevice: 100 });
console.log(`measured seeds begin ${Math.round(process.uptime() * 1000)} ms after start`);
const before = process.cpuUsage();
const wallStart = performance.now(); // allowed: a benchmark's wall time
let events = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const result = await runSeed({ seed: String(seed), client, profile: 'flaky', devices: 3, opsPerDevice: 100 });
  events += result.stats.events;
  if (!result.passed) console.log(`seed ${seed} failed`);
}
const cpu = process.cpuUsage(before);
const cpuMs = (cpu.user + cpu.system) / 1000;
const wallMs = performance.now() - wallStart; // allowed: a benchmark's wall time
console.log(
  `${seeds} seeds, ${events} events, ${(cpuMs / seeds).toFixed(1)} CPU ms/seed (wall ${(wallMs / seeds).toFixed(1)} ms), ${((cpuMs * 1000) / events).toFixed(1)} µs/event`,
);
