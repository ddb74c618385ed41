// Goal: `--client ./adapter.ts` loads a TypeScript module without a build step (in the CLI
// and in campaign workers, importing `syncstorm` by name if it likes), and a bad module or
// process command stops the command with exit 2 and one clear line. Method: spawn
// `node bin/syncstorm.mjs` as a user would; resolve a module that imports the package.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveClient } from '../../src/client/resolve.ts';

function syncstorm(args: string[]) {
  const run = spawnSync(process.execPath, ['bin/syncstorm.mjs', ...args], { encoding: 'utf8', timeout: 280_000 }); // a hang guard per command (issue 19)
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('--client <module>', () => {
  it('runs a scenario and a campaign (worker processes) with the example module', () => {
    const replay = syncstorm([
      'replay',
      'scenarios/edit-vs-delete.json',
      '--client',
      './examples/memory-client/index.ts',
    ]);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/trace sha256 [0-9a-f]{64}/);
    const fuzz = syncstorm([
      'fuzz',
      '--client',
      './examples/memory-client/index.ts',
      '--seeds',
      '2',
      '--workers',
      '2',
      '--report',
      'reports/test-vitest/cli',
    ]);
    expect(fuzz.status, fuzz.stderr).toBe(0);
  }); // three commands, each starting child processes: the suite's hang guard (900 s)

  it('loads an adapter that imports syncstorm by its package name at run time', async () => {
    expect((await resolveClient('./test/vitest/fixtures/package-import-client.ts')).name).toBe('via-package-name');
  });

  it('exits 2 with one line for a module that exports no client', () => {
    const run = syncstorm(['replay', 'scenarios/edit-vs-delete.json', '--client', './test/cli/fixtures/no-client.ts']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/exports no client: expected a default export or an export named 'client'/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 naming a process command that cannot start', () => {
    const run = syncstorm(['replay', 'scenarios/edit-vs-delete.json', '--client', 'process:python3 no/such/client.py']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "Process client 'python3 no/such/client.py' exited (code 2) before answering 'hello'.",
    );
  });
});
