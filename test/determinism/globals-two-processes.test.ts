// Goal: an engine that uses the globals (setTimeout, setInterval, Date, Math.random,
// crypto.randomUUID, crypto.subtle) instead of `env` gives the same trace hash in two
// fresh processes and in this one, with no leak; another seed gives another hash.
// Method: run run-globals-seed.ts in child processes and compare the printed hashes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { runSeed } from '../../src/sim/seed-run.ts';
import { globalsClient } from '../sim/fixtures/global-clients.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./run-globals-seed.ts', import.meta.url));

async function hashInChild(seed: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCRIPT, seed], { timeout: 600_000 }); // a hang guard (issue 19)
  return stdout.trim();
}

describe('determinism of an engine on virtual globals', () => {
  test('same seed ⇒ same hash in two processes and in-process; other seed ⇒ other hash', async () => {
    const [first, second, other] = await Promise.all([hashInChild('7'), hashInChild('7'), hashInChild('8')]);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    const here = await runSeed({ seed: '7', client: globalsClient, profile: 'flaky', devices: 3, opsPerDevice: 15 });
    expect(here.leaks).toBeUndefined();
    expect(here.traceHash).toBe(first);
  });
});
