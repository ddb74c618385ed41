/**
 * @module scenario/bundled
 * syncstorm's bundled test plan: the scenarios/ folder shipped with this installation, one
 * scenario per classic failure. Its `mutants/` subfolder (each file shows the bug of one of
 * syncstorm's own mutant clients, and is not shipped in the package) is never part of it.
 */
import { realpathSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioFiles } from './load.ts';

/** The scenarios/ folder of this syncstorm installation (same depth from src/ and dist/). */
export const BUNDLED_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** The scenario files under `folder`, its `mutants/` subfolders left out. */
export function filesWithoutMutants(folder: string): string[] {
  return scenarioFiles([folder]).filter((file) => !relative(folder, file).split(sep).includes('mutants'));
}

/** The bundled test plan's files. */
export function bundledPlanFiles(): string[] {
  return filesWithoutMutants(BUNDLED_SCENARIOS);
}

/** Whether `folder` (relative to the working folder) is the bundled scenarios/ folder itself (a syncstorm checkout). */
export function isBundledFolder(folder: string): boolean {
  const real = (path: string) => realpathSync(resolve(path));
  return (
    statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true && real(folder) === real(BUNDLED_SCENARIOS)
  );
}
