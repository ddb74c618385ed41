// Goal: the same seed gives the same trace hash in two separate Node processes, and another
// seed another hash. Method: run test/determinism/run-seed.ts in child processes (fresh
// module state, fresh JIT, fresh heap) and compare the single line each prints.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { runNetworkScenario } from './network-scenario.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./run-seed.ts', import.meta.url));

async function hashInChild(seed: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCRIPT, seed], { timeout: 600_000 }); // a hang guard (issue 19)
  return stdout;
}

describe('determinism across processes', () => {
  test('same seed ⇒ same hash in two processes; different seed ⇒ different hash', async () => {
    const [first, second, other] = await Promise.all([hashInChild('4242'), hashInChild('4242'), hashInChild('4243')]);
    expect(first).toMatch(/^[0-9a-f]{64}\n$/);
    expect(second).toBe(first);
    expect(other).toMatch(/^[0-9a-f]{64}\n$/);
    expect(other).not.toBe(first);
    const inProcess = await runNetworkScenario({ seed: '4242' });
    expect(`${inProcess.hash}\n`).toBe(first);
  });
});
