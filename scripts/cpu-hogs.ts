/**
 * @module scripts/cpu-hogs
 * CPU-bound processes that load the machine the way a busy CI runner does, to show that a
 * result does not depend on load (`npm run test:loaded`, `bench/shrink.ts --hogs`). Each hog
 * is a child that spins until its own deadline, so it is bounded even if this process dies;
 * `stop()` ends the ones it started, by their process ids.
 * Run alone: `npx tsx scripts/cpu-hogs.ts [count] [seconds]`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A hog never spins longer than this, whatever it was asked. */
export const HOG_SECONDS_MAX = 3_600;

/** The hog's body: spin, checking the deadline every million iterations. */
const SPIN = `const end = Date.now() + Number(process.argv[1]) * 1000; let x = 0;
while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x * 1103515245 + 12345) % 2147483648; }`;

/**
 * Starts `count` hogs that each spin for at most `seconds`. Returns `stop`, which kills
 * them (SIGKILL, by pid) and resolves once they are gone.
 */
export interface Hogs {
  pids: (number | undefined)[];
  stop: () => Promise<void>;
}

export function startHogs(count = 2, seconds = HOG_SECONDS_MAX): Hogs {
  const bounded = Math.min(Math.max(1, seconds), HOG_SECONDS_MAX);
  const hogs = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', SPIN, String(bounded)], { stdio: 'ignore' }),
  );
  const exited = hogs.map((hog) => new Promise<void>((resolve) => hog.once('exit', () => resolve())));
  return {
    pids: hogs.map((hog) => hog.pid),
    stop: async (): Promise<void> => {
      for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
      await Promise.all(exited);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 2);
  const seconds = Number(process.argv[3] ?? 60);
  const hogs = startHogs(count, seconds);
  console.error(`cpu-hogs: ${count} hogs (pids ${hogs.pids.join(', ')}) for at most ${seconds} s`);
  const end = () => void hogs.stop().then(() => process.exit(0));
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
}
