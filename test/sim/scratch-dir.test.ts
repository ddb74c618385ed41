/**
 * Goal: a SIGKILLed process leaves no `syncstorm-*` folder behind for good (issue 20).
 * Method: child processes make their run scratch folder under a private TMPDIR; one is
 * SIGKILLed, one ends normally, one stays alive. removeStaleScratch removes exactly the
 * killed one's folder; the normal one removed its own at exit; the live one's is kept.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nameRunScratch, removeStaleScratch } from '../../src/sim/scratch-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'syncstorm-scratch-test-'));
const live: ChildProcess[] = [];
afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const MODULE = resolve('src/sim/scratch-dir.ts');
const script = (end: string) =>
  `import { makeRunScratch } from ${JSON.stringify(MODULE)}; console.log(makeRunScratch()); ${end}`;
const nodeArgs = (end: string) => ['--import', 'tsx', '--input-type=module', '-e', script(end)];
const env = { ...process.env, TMPDIR: root };

describe('run scratch folders', () => {
  const killedRun = (): string => {
    const killed = spawnSync(process.execPath, nodeArgs("process.kill(process.pid, 'SIGKILL');"), { env });
    expect(killed.signal).toBe('SIGKILL');
    const folder = killed.stdout.toString().trim();
    expect(existsSync(folder)).toBe(true);
    return folder;
  };

  it('of a SIGKILLed process are removed by removeStaleScratch', () => {
    const folder = killedRun();
    expect(removeStaleScratch(root)).toEqual([resolve(folder, '..')]);
    expect(existsSync(folder)).toBe(false);
  });

  it('of a SIGKILLed process are removed by the next process; a live one keeps its own', async () => {
    const folder = killedRun();
    const normal = spawnSync(process.execPath, nodeArgs(''), { env });
    expect(normal.status).toBe(0);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(normal.stdout.toString().trim())).toBe(false); // removed at its exit

    const child = spawn(process.execPath, nodeArgs('setInterval(() => {}, 1000);'), { env });
    live.push(child);
    const liveRun = await new Promise<string>((done) => child.stdout.once('data', (data) => done(String(data).trim())));
    expect(removeStaleScratch(root)).toEqual([]);
    expect(existsSync(liveRun)).toBe(true);
    expect(readdirSync(root).filter((name) => name.startsWith('syncstorm-'))).toHaveLength(1);
  });

  // Found by CI: a command run as another user met root's folder, and the cleanup's EACCES
  // ended the command with a stack trace. Another user's stale folder is left alone.
  it.runIf(process.getuid?.() === 0)("leaves another user's stale folder alone, without throwing", () => {
    const other = mkdtempSync(join(root, 'other-'));
    const folder = join(other, 'syncstorm-999999-AbCdEf');
    mkdirSync(join(folder, 'run-x'), { recursive: true });
    chownSync(folder, 65534, 65534);
    expect(removeStaleScratch(other)).toEqual([]);
    expect(existsSync(folder)).toBe(true);
  });

  it('named for a run are distinct paths in the process folder, not made until someone writes', () => {
    const first = nameRunScratch();
    const second = nameRunScratch();
    expect(first).not.toBe(second);
    expect(resolve(first, '..')).toBe(resolve(second, '..'));
    expect(existsSync(resolve(first, '..'))).toBe(true);
    expect(existsSync(first)).toBe(false);
  });
});
