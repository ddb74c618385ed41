/**
 * @module scenario/trust
 * A scenario file is data: it may come from a bug report, a pull request or a download.
 * Loading one never runs anything, but a scenario may name a client that *is* code — a
 * module path (imported) or `process:<command>` (started). Such a client runs only when
 * the user said so on the command line: with `--allow-scenario-clients`, or by giving the
 * same client with `--client`. Built-in clients (reference, mutant:<name>) run code that
 * ships with syncstorm and are always allowed. The decision is made here, on the specs
 * alone, before any client is resolved.
 */
import { isAbsolute, resolve } from 'node:path';
import { isModuleSpec } from '../client/resolve.ts';
import { UsageError } from '../kernel/errors.ts';
import { isServerModuleSpec } from '../server/resolve.ts';

/** The flag that lets scenario files name clients that run code. */
export const ALLOW_SCENARIO_CLIENTS_FLAG = '--allow-scenario-clients';

export interface ScenarioClientTrust {
  /** `--allow-scenario-clients` was given. */
  allowScenarioClients?: boolean;
  /** The `--client` of the command line (its default when not given). */
  commandLineClient: string;
}

/** Whether running `spec` means running code from outside syncstorm. */
export function clientRunsCode(spec: string): boolean {
  const trimmed = spec.trim();
  return trimmed.startsWith('process:') || isModuleSpec(trimmed);
}

/** The same client: equal process commands, or module paths naming the same file. */
function sameClient(a: string, b: string): boolean {
  const [left, right] = [a.trim(), b.trim()];
  if (left === right) return true;
  if (!isModuleSpec(left) || !isModuleSpec(right)) return false;
  const absolute = (spec: string) => (isAbsolute(spec) ? spec : resolve(spec));
  return absolute(left) === absolute(right);
}

/**
 * Throws a UsageError (exit 2) when scenario `path` names `spec`, a client that runs code,
 * and the command line did not allow it. `spec` is the scenario's client as resolved
 * (a module path relative to the working directory).
 */
export function assertScenarioClientAllowed(path: string, spec: string | undefined, trust: ScenarioClientTrust): void {
  if (spec === undefined || !clientRunsCode(spec)) return;
  if (trust.allowScenarioClients === true || sameClient(spec, trust.commandLineClient)) return;
  const shown = JSON.stringify(spec.trim());
  throw new UsageError(
    `Scenario '${path}' names client ${shown}, which would run code from outside syncstorm; nothing was run. If you trust this file, pass ${ALLOW_SCENARIO_CLIENTS_FLAG} (or give the same client with --client).`,
  );
}

/**
 * Throws a UsageError (exit 2) when scenario `path` names `spec`, a server module, and the
 * command line did not allow it (`--allow-scenario-clients`, or the same module as `--server`).
 * Built-in servers (reference, mutant:<name>) are always allowed.
 */
export function assertScenarioServerAllowed(
  path: string,
  spec: string | undefined,
  trust: { allowScenarioClients?: boolean; commandLineServer?: string | undefined },
): void {
  if (spec === undefined || !isServerModuleSpec(spec)) return;
  if (trust.allowScenarioClients === true) return;
  if (trust.commandLineServer !== undefined && sameModule(spec, trust.commandLineServer)) return;
  const shown = JSON.stringify(spec.trim());
  throw new UsageError(
    `Scenario '${path}' names server ${shown}, a module that would run code from outside syncstorm; nothing was run. If you trust this file, pass ${ALLOW_SCENARIO_CLIENTS_FLAG} (or give the same server with --server).`,
  );
}

function sameModule(a: string, b: string): boolean {
  const absolute = (spec: string) => (isAbsolute(spec.trim()) ? spec.trim() : resolve(spec.trim()));
  return isServerModuleSpec(b) && absolute(a) === absolute(b);
}
