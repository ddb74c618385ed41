/**
 * @module kernel/module-export
 * Loads a user's module (a client or a server hooks module) and picks the export syncstorm
 * reads: the default export, else the one named after what it is (`client`, `server`). A
 * module that fails to load or exports neither is bad input (UsageError, exit 2), with the
 * first line of the import error or the names it does export.
 */
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.ts';

/** `what`: 'client' or 'server' (the named export looked for, and the word in messages). */
export async function importUserExport(path: string, spec: string, what: 'client' | 'server'): Promise<unknown> {
  const label = `${what === 'client' ? 'Client' : 'Server'} module '${spec}'`;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${label} failed to load: ${reason}`, { cause: error });
  }
  const candidate = loaded.default ?? loaded[what];
  if (candidate === undefined) {
    const names = Object.keys(loaded).join(', ') || 'nothing';
    throw new UsageError(
      `${label} exports no ${what}: expected a default export or an export named '${what}' (it exports ${names}).`,
    );
  }
  return candidate;
}
