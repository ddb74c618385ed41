/**
 * @module cli/output-paths
 * Where a command will write (`--report <dir>`, `--junit <file>`, `--trace <file>`), checked
 * before it does anything else: a gate can run for minutes, and failing after it is useless.
 * A folder must be a folder (or creatable: its nearest existing parent a writable folder);
 * a file must not be a folder or a special file (FIFO, device, socket), and its folder must
 * be writable; nothing goes under /proc or /sys. Each failure is one line naming the flag and
 * the path (exit 2). A write that still fails at the end (a full disk) is turned into the same
 * kind of line by `outputFailure`.
 */
import { accessSync, constants, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UsageError } from '../kernel/errors.ts';

export type OutputKind = 'folder' | 'file';

/** Root of the report folders when --report is not given (gate, fuzz, chaos, bench write there). */
export const REPORTS_ROOT_DEFAULT = 'reports';

/** The flags that name outputs, and what each names. */
export const OUTPUT_FLAGS: Readonly<Record<string, OutputKind>> = { report: 'folder', junit: 'file', trace: 'file' };

/** Kernel file systems: reading or writing there can hang or do harm. */
const SPECIAL_ROOTS = ['/proc', '/sys'];

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Stats of `path`, or undefined when it does not exist (or a parent is a file). */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The nearest existing path at or above `path`. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let current = path;
  for (;;) {
    const stats = statOrNothing(current);
    if (stats !== undefined) return { path: current, stats };
    const parent = dirname(current);
    if (parent === current) throw new Error(`no existing folder above ${path}`);
    current = parent;
  }
}

/** A folder we may create entries in (write and search), or a file we may write (`file`). */
function writable(path: string, kind: OutputKind = 'folder'): boolean {
  try {
    accessSync(path, kind === 'file' ? constants.W_OK : constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function underSpecialRoot(path: string): string | undefined {
  const real = realpathSync(path);
  return SPECIAL_ROOTS.find((root) => real === root || real.startsWith(`${root}/`));
}

/** Throws a UsageError when `path` cannot take the output `flag` names. */
export function checkOutputPath(flag: string, path: string, kind: OutputKind): void {
  const fail = (problem: string) => new UsageError(`${flag} '${path}': ${problem}.`);
  if (path.trim() === '') throw fail(`give a ${kind} path`);
  const target = resolve(path);
  let existing: { path: string; stats: Stats };
  try {
    existing = nearestExisting(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ELOOP' ? 'a symbolic link loop' : `cannot be checked (${code ?? (error as Error).message})`);
  }
  const special = underSpecialRoot(existing.path);
  if (special !== undefined) throw fail(`is under ${special}, which is not a place for output`);
  const { stats } = existing;
  const exists = existing.path === target;
  if (kind === 'file' && ((exists && stats.isDirectory()) || /[\\/]$/.test(path))) {
    throw fail('is a directory; give a file path');
  }
  if (exists && kind === 'folder' && stats.isFile()) throw fail('is a file; give a folder');
  if (exists && !stats.isDirectory() && !stats.isFile()) throw fail(`is ${kindOf(stats)}; give a ${kind} path`);
  if (exists) {
    if (!writable(target, kind)) throw fail('is not writable');
    return;
  }
  if (!stats.isDirectory())
    throw fail(`is under '${existing.path}', which is ${stats.isFile() ? 'a file' : kindOf(stats)}`);
  if (!writable(existing.path)) throw fail(`cannot be created: '${existing.path}${sep}' is not writable`);
}

/** Checks every output flag set in `flags` (a command's parsed options), and `defaults` for those unset. */
export function checkOutputFlags(
  flags: Readonly<Record<string, unknown>>,
  defaults: Readonly<Record<string, string>> = {},
): void {
  for (const [name, kind] of Object.entries(OUTPUT_FLAGS)) {
    const value = flags[name] ?? defaults[name];
    if (typeof value === 'string') checkOutputPath(`--${name}`, value, kind);
  }
}

/** A failed write of an output (a full disk, a folder removed meanwhile) as one line naming the flag; other errors as they are. */
export function outputFailure(flag: string, path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
  const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
  return new UsageError(`${flag} '${path}': could not write the output: ${message}`);
}
