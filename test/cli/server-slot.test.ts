/**
 * Goal: the server slot works from the command line (issue 14, item 1). A scenario that
 * passes against the reference server is caught by no-resurrection when `syncstorm run`
 * is given `--server mutant:stale-cache-reload`, and the failure's replay hint carries the
 * server, so the replay fails the same way with the same trace hash. A scenario's own
 * `server` is used without the flag; a scenario naming a server module is refused without
 * --allow-scenario-clients (nothing imported); a bad `--server` is one line and exit 2;
 * `list servers` prints the catalogue.
 * Method: `main` in this process for run, replay and list (each run in its supervised child).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { SERVER_MUTANTS } from '../../src/server/mutants/index.ts';
import { validScenario } from '../scenario/fixtures.ts';
import { isOneLineMessage, recordingIo } from './io.ts';

const SCENARIO = 'scenarios/delete-during-cache-reload.json';
const dir = mkdtempSync(join(tmpdir(), 'syncstorm-server-slot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

describe('--server on run and replay', () => {
  it('passes against the reference server and is caught by no-resurrection against the mutant', async () => {
    const clean = await cli('run', SCENARIO);
    expect(clean.code).toBe(0);
    const caught = await cli('run', SCENARIO, '--server', 'mutant:stale-cache-reload');
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(/no-resurrection: .* laptop still shows it at the end/);
    expect(caught.stdout).toContain(`reproduce with: syncstorm replay ${SCENARIO} --server mutant:stale-cache-reload`);
  });

  it('replays the mutant run the same way twice: same violation, same trace hash', async () => {
    const first = await cli('replay', SCENARIO, '--server', 'mutant:stale-cache-reload', '--json');
    const second = await cli('replay', SCENARIO, '--server', 'mutant:stale-cache-reload', '--json');
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    expect(first.code).toBe(1);
    expect(a.server).toBe('mutant:stale-cache-reload');
    expect(a.violations.map((v: { invariant: string }) => v.invariant)).toContain('no-resurrection');
    expect(a.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.traceHash).toBe(a.traceHash);
    const reference = JSON.parse((await cli('replay', SCENARIO, '--json')).stdout);
    expect(reference.server).toBeUndefined();
    expect(reference.traceHash).not.toBe(a.traceHash);
  });

  it("uses a scenario's own server without the flag", async () => {
    const path = join(dir, 'named-server.json');
    const scenario = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(SCENARIO, 'utf8')));
    writeFileSync(path, JSON.stringify({ ...scenario, server: 'mutant:stale-cache-reload' }));
    const run = await cli('run', path, '--server', 'reference');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/no-resurrection/);
  });

  it('refuses a bad --server with one line and exit 2', async () => {
    for (const spec of ['mutant:nope', './missing-server.ts', 'nonsense']) {
      const run = await cli('run', SCENARIO, '--server', spec);
      expect(run.code).toBe(2);
      expect(isOneLineMessage(run.stderr), run.stderr).toBe(true);
      expect(run.stderr).toMatch(/--server/);
    }
  });
});

describe('a scenario naming a server module', () => {
  const marker = join(dir, 'imported');
  const module = join(dir, 'marker-server.ts');
  writeFileSync(
    module,
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default { name: 'marker', afterRequest: () => undefined };\n`,
  );
  const path = join(dir, 'module-server.json');
  writeFileSync(path, JSON.stringify({ ...validScenario(), server: './marker-server.ts' }));

  it('is refused without --allow-scenario-clients, and nothing is imported', async () => {
    const run = await cli('run', path);
    expect(run.code).toBe(2);
    expect(isOneLineMessage(run.stderr), run.stderr).toBe(true);
    expect(run.stderr).toMatch(/names server .*marker-server\.ts.*--allow-scenario-clients/);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs with --allow-scenario-clients (the module is loaded in the child, relative to the file)', async () => {
    const run = await cli('run', path, '--allow-scenario-clients');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});

describe('list servers', () => {
  it('prints the reference server and every server mutant with the invariant it breaks', async () => {
    const list = await cli('list', 'servers');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}reference +the reference server/m);
    for (const mutant of SERVER_MUTANTS) {
      const caught = mutant.invariant ?? 'not caught by the simulator';
      expect(list.stdout).toContain(`mutant:${mutant.name}`);
      expect(list.stdout).toMatch(new RegExp(`mutant:${mutant.name} +${caught}`));
    }
  });
});
