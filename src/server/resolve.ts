/**
 * @module server/resolve
 * Turns a server spec, as typed after `--server` or written in a scenario's `server`, into
 * what the server slot holds:
 * - `reference` (the default): the reference server as it is (no wrapper);
 * - `mutant:<name>`: the reference server with one classic bug (server/mutants);
 * - a path to a .ts/.js module exporting hooks or a wrapper (default export or `server`;
 *   docs/server-hooks.md).
 * `checkServerSpec` looks at a spec without running anything (the main process, before any
 * run); `resolveServer` imports a module (only ever in the child that runs the simulation).
 * A spec that cannot be resolved is bad input: a UsageError naming what and where.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve as resolvePath } from 'node:path';
import { UsageError } from '../kernel/errors.ts';
import { importUserExport } from '../kernel/module-export.ts';
import { type ServerHooks, type ServerWrapper, wrapperOfHooks } from './hooks.ts';
import { SERVER_MUTANTS, serverMutant } from './mutants/index.ts';

export const REFERENCE_SERVER = 'reference';
const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const HOOK_NAMES = ['start', 'beforeRequest', 'afterRequest'] as const;

/** The server specs `syncstorm list servers` shows (module paths aside). */
export function builtInServerSpecs(): string[] {
  return [REFERENCE_SERVER, ...SERVER_MUTANTS.map((mutant) => `mutant:${mutant.name}`)];
}

/** Whether a server spec names a module file (code from outside syncstorm). */
export function isServerModuleSpec(spec: string): boolean {
  const trimmed = spec.trim();
  if (trimmed === REFERENCE_SERVER || trimmed.startsWith('mutant:')) return false;
  return (
    MODULE_EXTENSIONS.includes(extname(trimmed)) ||
    trimmed.startsWith('.') ||
    isAbsolute(trimmed) ||
    trimmed.includes('/')
  );
}

/** The invariant a `mutant:<name>` server declares it breaks; undefined for other specs. */
export function declaredServerInvariant(spec: string): string | undefined {
  if (!spec.startsWith('mutant:')) return undefined;
  return SERVER_MUTANTS.find((mutant) => mutant.name === spec.slice('mutant:'.length))?.invariant;
}

/** Throws a UsageError when `spec` cannot name a server; runs no code. `where` names who asked. */
export function checkServerSpec(spec: string, where = 'Server'): void {
  const trimmed = spec.trim();
  if (trimmed === REFERENCE_SERVER) return;
  if (trimmed.startsWith('mutant:')) {
    const name = trimmed.slice('mutant:'.length);
    if (SERVER_MUTANTS.some((mutant) => mutant.name === name)) return;
    const known = SERVER_MUTANTS.map((mutant) => mutant.name).join(', ');
    throw new UsageError(`${where} 'mutant:${name}': no server mutant named '${name}'. Known: ${known}.`);
  }
  if (!isServerModuleSpec(trimmed)) {
    throw new UsageError(
      `${where} '${trimmed}' is unknown. Use 'reference', 'mutant:<name>' (see 'syncstorm list servers') or a path to a .ts/.js module.`,
    );
  }
  const path = resolvePath(trimmed);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new UsageError(`${where} module '${trimmed}' not found (looked for ${path}).`);
}

/** The wrapper for `spec`; undefined for the plain reference server. */
export async function resolveServer(spec: string): Promise<ServerWrapper | undefined> {
  const trimmed = spec.trim();
  checkServerSpec(trimmed);
  if (trimmed === REFERENCE_SERVER) return undefined;
  if (trimmed.startsWith('mutant:')) return serverMutant(trimmed.slice('mutant:'.length));
  return fromModule(trimmed);
}

const resolved = new Map<string, Promise<ServerWrapper | undefined>>();

/** `resolveServer`, once per spec in this process (a worker runs many runs of one server). */
export function resolveServerOnce(spec: string): Promise<ServerWrapper | undefined> {
  let found = resolved.get(spec);
  if (found === undefined) {
    found = resolveServer(spec);
    resolved.set(spec, found);
  }
  return found;
}

async function fromModule(spec: string): Promise<ServerWrapper> {
  const candidate = await importUserExport(resolvePath(spec), spec, 'server');
  const problem = serverProblem(candidate);
  if (problem !== undefined) throw new UsageError(`Server module '${spec}': the exported server ${problem}.`);
  const value = candidate as ServerWrapper & ServerHooks;
  return typeof value.wrap === 'function' ? value : wrapperOfHooks(value);
}

/** What is wrong with a value that should be server hooks or a wrapper, or undefined. */
export function serverProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `is ${value === null ? 'null' : typeof value}, not an object`;
  const server = value as Record<string, unknown>;
  if (typeof server.name !== 'string' || server.name === '') return 'has no `name` (a non-empty string)';
  if (server.wrap !== undefined)
    return typeof server.wrap === 'function' ? undefined : 'has a `wrap` that is not a function';
  for (const hook of HOOK_NAMES) {
    if (server[hook] !== undefined && typeof server[hook] !== 'function')
      return `has a \`${hook}\` that is not a function`;
  }
  if (!HOOK_NAMES.some((hook) => server[hook] !== undefined))
    return `has neither \`wrap(next, env)\` nor any hook (${HOOK_NAMES.join(', ')})`;
  return undefined;
}
