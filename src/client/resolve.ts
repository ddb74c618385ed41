/**
 * @module client/resolve
 * Turns a client spec, as typed after `--client` or written in a scenario's `client`, into
 * a ClientFactory:
 * - `reference`, or `reference:<coalescing>` (none | per-record | per-field);
 * - `mutant:<name>`: the reference client with one classic bug, from the mutant registry;
 * - a path to a .ts/.js module exporting a ClientFactory (default export or `client`);
 * - `process:<command>`: a client in another language, a child process speaking the process
 *   protocol (docs/process-protocol.md).
 * A spec that cannot be resolved is bad input: a UsageError naming what and where.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve as resolvePath } from 'node:path';
import { UsageError } from '../kernel/errors.ts';
import { importUserExport } from '../kernel/module-export.ts';
import type { ClientFactory, FieldPolicy } from './contract.ts';
import { MUTANTS } from './mutants/index.ts';
import { createProcessClient } from './process/index.ts';
import { createReferenceClient } from './reference/index.ts';
import type { Coalescing } from './reference/options.ts';

export const COALESCING_MODES: readonly Coalescing[] = ['none', 'per-record', 'per-field'];
const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const FIELD_POLICIES: readonly FieldPolicy[] = ['manual', 'lww', 'set-union', 'counter', 'server-wins'];
const DELETE_POLICIES: readonly string[] = ['delete-wins'];
const CAPABILITIES: readonly string[] = ['conflictInbox', 'recordStatus', 'instances', 'subscriptions'];

/** The client specs `syncstorm list clients` shows (module paths aside). */
export function builtInClientSpecs(): string[] {
  return [
    'reference',
    ...COALESCING_MODES.map((mode) => `reference:${mode}`),
    ...MUTANTS.map((mutant) => `mutant:${mutant.name}`),
  ];
}

/** The invariant a `mutant:<name>` spec declares it breaks; undefined for other specs. */
export function declaredInvariant(spec: string): string | undefined {
  if (!spec.startsWith('mutant:')) return undefined;
  return MUTANTS.find((entry) => entry.name === spec.slice('mutant:'.length))?.invariant;
}

export async function resolveClient(spec: string): Promise<ClientFactory> {
  const trimmed = spec.trim();
  if (trimmed === '') throw new UsageError("Client spec is empty. Use 'reference', 'mutant:<name>' or a module path.");
  if (trimmed === 'reference') return createReferenceClient();
  if (trimmed.startsWith('reference:')) return referenceWith(trimmed.slice('reference:'.length));
  if (trimmed.startsWith('mutant:')) return mutant(trimmed.slice('mutant:'.length));
  if (trimmed.startsWith('process:')) return processClient(trimmed.slice('process:'.length));
  if (isModuleSpec(trimmed)) return fromModule(trimmed);
  throw new UsageError(
    `Unknown client '${trimmed}'. Use 'reference', 'reference:<${COALESCING_MODES.join('|')}>', 'mutant:<name>' (see 'syncstorm list mutants') or a path to a .ts/.js module.`,
  );
}

function referenceWith(mode: string): ClientFactory {
  const coalescing = COALESCING_MODES.find((known) => known === mode);
  if (coalescing === undefined) {
    throw new UsageError(
      `Client 'reference:${mode}': unknown coalescing '${mode}'. Known: ${COALESCING_MODES.join(', ')}.`,
    );
  }
  return createReferenceClient({ coalescing, name: `reference:${coalescing}` });
}

function mutant(name: string): ClientFactory {
  const found = MUTANTS.find((entry) => entry.name === name);
  if (found === undefined) {
    const known = MUTANTS.map((entry) => entry.name).join(', ');
    throw new UsageError(`Client 'mutant:${name}': no mutant named '${name}'. Known mutants: ${known}.`);
  }
  return found.client;
}

/** Whether a spec names a module file (rather than a built-in client). */
const resolved = new Map<string, Promise<ClientFactory>>();

/** `resolveClient`, once per spec in this process (worker processes run many runs of a few clients). */
export function resolveClientOnce(spec: string): Promise<ClientFactory> {
  let found = resolved.get(spec);
  if (found === undefined) {
    found = resolveClient(spec);
    resolved.set(spec, found);
  }
  return found;
}

export function isModuleSpec(spec: string): boolean {
  if (/^(reference|mutant|process):/.test(spec) || spec === 'reference') return false;
  return MODULE_EXTENSIONS.includes(extname(spec)) || spec.startsWith('.') || isAbsolute(spec) || spec.includes('/');
}

/** A client in another language (docs/process-protocol.md); its hello declares what factoryProblem checks. */
async function processClient(command: string): Promise<ClientFactory> {
  const factory = await createProcessClient(command);
  const problem = factoryProblem(factory);
  if (problem !== undefined) throw new UsageError(`Process client '${command.trim()}': its hello ${problem}.`);
  return factory;
}

async function fromModule(spec: string): Promise<ClientFactory> {
  const path = resolvePath(spec);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`Client module '${spec}' not found (looked for ${path}).`);
  }
  const candidate = await importUserExport(path, spec, 'client');
  const problem = factoryProblem(candidate);
  if (problem !== undefined) throw new UsageError(`Client module '${spec}': the exported client ${problem}.`);
  return candidate as ClientFactory;
}

/** What is wrong with a value that should be a ClientFactory, or undefined. */
export function factoryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `is ${value === null ? 'null' : typeof value}, not an object`;
  const factory = value as Record<string, unknown>;
  if (typeof factory.name !== 'string' || factory.name === '') return 'has no `name` (a non-empty string)';
  if (typeof factory.start !== 'function') return 'has no `start(env)` function';
  const policy = factory.policy as Record<string, unknown> | undefined;
  if (typeof policy !== 'object' || policy === null) return "has no `policy` (e.g. { default: 'manual' })";
  if (!FIELD_POLICIES.includes(policy.default as FieldPolicy)) {
    return `has policy.default ${JSON.stringify(policy.default)}; expected one of ${FIELD_POLICIES.join(', ')}`;
  }
  const fields = policy.fields;
  if (fields !== undefined) {
    if (typeof fields !== 'object' || fields === null) return 'has a `policy.fields` that is not an object';
    for (const [field, fieldPolicy] of Object.entries(fields)) {
      if (!FIELD_POLICIES.includes(fieldPolicy as FieldPolicy)) {
        return `has policy.fields.${field} ${JSON.stringify(fieldPolicy)}; expected one of ${FIELD_POLICIES.join(', ')}`;
      }
    }
  }
  if (policy.deletes !== undefined && !DELETE_POLICIES.includes(policy.deletes as string)) {
    return `has policy.deletes ${JSON.stringify(policy.deletes)}; expected one of ${DELETE_POLICIES.join(', ')} (or none)`;
  }
  const capabilities = factory.capabilities;
  if (capabilities !== undefined) {
    if (typeof capabilities !== 'object' || capabilities === null) return 'has `capabilities` that is not an object';
    for (const [name, value] of Object.entries(capabilities)) {
      if (!CAPABILITIES.includes(name)) return `has capabilities.${name}; expected only ${CAPABILITIES.join(', ')}`;
      if (typeof value !== 'boolean')
        return `has capabilities.${name} ${JSON.stringify(value)}; expected true or false`;
    }
  }
  const collections = factory.collections;
  if (collections !== undefined && (!Array.isArray(collections) || !collections.every((c) => typeof c === 'string'))) {
    return 'has `collections` that is not a list of strings';
  }
  return undefined;
}
