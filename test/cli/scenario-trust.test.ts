/**
 * Goal: a scenario file never runs code unless the command line allows it (issue 20, item
 * 5). Method: scenarios naming `process:<command that writes a marker>` and a module that
 * writes a marker when imported go through `run`, `replay` and `gate` in this process:
 * without --allow-scenario-clients each exits 2 with one line naming the file, the client
 * and the flag, and no marker exists (nothing ran); with the flag, or with the same client
 * given by --client, the client is started (the marker appears). Built-in clients named by
 * a scenario need no flag.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { displayPath } from '../../src/scenario/load.ts';
import { clientRunsCode } from '../../src/scenario/trust.ts';
import { validScenario } from '../scenario/fixtures.ts';
import { isOneLineMessage, recordingIo } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const marker = join(dir, 'ran');
beforeEach(() => rmSync(marker, { force: true }));

async function cli(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, stderr: io.stderr.join('') };
}

function scenarioFile(name: string, client: string, folder = dir): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify({ ...validScenario(), client }));
  return path;
}

const processSpec = `process:touch ${marker}`;
/** A module that leaves the marker when imported (a fresh file per test: Node imports a file once). */
function markerModule(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\n`);
  return path;
}
markerModule('evil.mjs');

describe('scenario files that name clients running code', () => {
  it('classifies specs: process and module paths run code, built-ins do not', () => {
    for (const spec of ['process:./x', ' process:python3 c.py', './c.ts', '/abs/c.js', 'lib/c.mjs'])
      expect(clientRunsCode(spec), spec).toBe(true);
    for (const spec of ['reference', 'reference:per-field', 'mutant:no-idempotency-key'])
      expect(clientRunsCode(spec), spec).toBe(false);
  });

  for (const [kind, spec, file] of [
    ['process', processSpec, 'process.json'],
    ['module', './evil.mjs', 'module.json'],
  ] as const) {
    it(`refuses a ${kind} client in run, replay and gate before anything runs`, async () => {
      const path = scenarioFile(file, spec);
      const shown = displayPath(path);
      const gateDir = join(dir, `gate-${kind}`);
      mkdirSync(gateDir, { recursive: true });
      scenarioFile('a.json', 'reference', gateDir);
      scenarioFile(file, kind === 'module' ? '../evil.mjs' : spec, gateDir);
      for (const args of [
        ['run', path],
        ['replay', path],
        ['gate', '--scenarios', gateDir, '--seeds', '0', '--report', join(dir, 'reports')],
      ]) {
        const { code, stderr } = await cli(...args);
        expect(code, args.join(' ')).toBe(2);
        expect(isOneLineMessage(stderr), stderr).toBe(true);
        expect(stderr).toContain('--allow-scenario-clients');
        expect(stderr).toContain(kind === 'process' ? JSON.stringify(processSpec) : 'evil.mjs');
        if (args[0] !== 'gate') expect(stderr).toContain(`Scenario '${shown}'`);
        expect(existsSync(marker), `${args.join(' ')} ran the client`).toBe(false);
      }
    });

    it(`starts a ${kind} client with --allow-scenario-clients`, async () => {
      const path = scenarioFile(file, spec);
      await cli('run', path, '--allow-scenario-clients', '--scenario-time-limit', '20');
      expect(existsSync(marker)).toBe(true);
    });
  }

  it('starts the client when --client names the same one', async () => {
    const path = scenarioFile('same.json', './evil-same.mjs');
    await cli('replay', path, '--client', markerModule('evil-same.mjs'));
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const other = scenarioFile('process.json', processSpec);
    await cli('run', other, '--client', processSpec, '--scenario-time-limit', '20');
    expect(existsSync(marker)).toBe(true);
  });

  it('a different --client does not allow it', async () => {
    const path = scenarioFile('other.json', processSpec);
    const { code } = await cli('run', path, '--client', 'process:true');
    expect(code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs a scenario naming a built-in client without the flag', async () => {
    const path = scenarioFile('builtin.json', 'mutant:no-idempotency-key');
    const { code, stderr } = await cli('replay', path);
    expect(stderr).not.toContain('--allow-scenario-clients');
    expect([0, 1]).toContain(code);
  });
});
