/**
 * @module scripts/test-loaded
 * `npm run test:loaded`: the test suite beside two CPU-bound processes, as on a busy shared
 * CI runner. No test may depend on wall time (issue 19): this shows it. The hogs are
 * started and stopped here (each also ends on its own after HOG_SECONDS_MAX); the exit code
 * is vitest's. Extra arguments go to vitest (`npm run test:loaded -- test/scenario`).
 */
import { spawn } from 'node:child_process';
import { startHogs } from './cpu-hogs.ts';

/** CPU-bound processes beside the suite. */
const HOGS = 2;

const hogs = startHogs(HOGS);
console.error(`test:loaded: ${HOGS} CPU hogs running (pids ${hogs.pids.join(', ')})`);
const vitest = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
const stopAll = (signal: NodeJS.Signals) => {
  vitest.kill(signal);
};
process.once('SIGINT', () => stopAll('SIGINT'));
process.once('SIGTERM', () => stopAll('SIGTERM'));
const code = await new Promise<number>((resolve) => vitest.once('exit', (status) => resolve(status ?? 1)));
await hogs.stop();
console.error(`test:loaded: hogs stopped; vitest exited with ${code}`);
process.exit(code);
