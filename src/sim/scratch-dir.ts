/**
 * @module sim/scratch-dir
 * The temporary folders runs keep device storage in. Each process makes one folder,
 * `syncstorm-<pid>-XXXXXX` under the OS temporary folder, and every run a folder inside it
 * that the run removes when it ends. A process that is killed (a SIGKILLed shrink or plan
 * worker) cannot clean up, so whoever makes a process folder next (any syncstorm process,
 * and the CLI when a command ends) removes the folders of processes that no longer exist.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `syncstorm-<pid>-XXXXXX`: mkdtemp's six characters after the owner's pid. */
const PROCESS_FOLDER = /^syncstorm-(\d+)-[A-Za-z0-9]{6}$/;

let processFolder: string | undefined;

/** Whether process `pid` exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the process folders under `root` whose owner process is gone; returns their paths. */
export function removeStaleScratch(root: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(PROCESS_FOLDER.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(join(root, name));
  }
  return removed;
}

function ownFolder(): string {
  if (processFolder !== undefined && existsSync(processFolder)) return processFolder;
  removeStaleScratch();
  const folder = mkdtempSync(join(tmpdir(), `syncstorm-${process.pid}-`));
  processFolder = folder;
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A fresh folder for one run's device storage; the run removes it when it ends. */
export function makeRunScratch(): string {
  return mkdtempSync(join(ownFolder(), 'run-'));
}
