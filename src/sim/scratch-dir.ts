/**
 * @module sim/scratch-dir
 * The temporary folders runs keep device storage in. Each process makes one folder,
 * `syncstorm-<pid>-XXXXXX` under the OS temporary folder, and every run a folder inside it
 * that the run removes when it ends. A process that is killed (a SIGKILLed shrink or plan
 * worker) cannot clean up, so whoever makes a process folder next (any syncstorm process,
 * and the CLI when a command ends) removes the folders of processes that no longer exist.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

/** Whether `path` is a folder of this user's (another user's stale folder is theirs to remove). */
function ours(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid());
  } catch {
    return false;
  }
}

/**
 * Removes this user's process folders under `root` whose owner process is gone; returns
 * their paths. Cleaning up is a courtesy: a folder that cannot be removed is left alone.
 */
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
    const path = join(root, name);
    if (!ours(path)) continue;
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Not ours to clean after all (permissions changed under us): leave it.
    }
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

let runsNamed = 0;

/**
 * A fresh path for one run's device storage, not yet made: a run in memory storage never
 * touches it, and whatever writes files (file storage, a process client) makes its device
 * folder with `mkdir -p`. Making and removing a folder per run cost ~1.5 % of a standard
 * seed's CPU. Unique within the process folder, which is unique per process.
 */
export function nameRunScratch(): string {
  runsNamed++;
  return join(ownFolder(), `run-${runsNamed}`);
}
