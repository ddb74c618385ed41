/**
 * @module cli/clients
 * Resolves client specs once per command, and says which scenario asked for a client that
 * does not resolve. Commands that run scenarios and seeds only need to know what a client
 * declares (`describe`): built-in clients (reference, mutants) are looked at here, while a
 * user's module or process client is loaded in a supervised child (scenario/plan-runner),
 * so that this process never runs client code, not even a module's top level. `get`
 * resolves a client in this process, for the commands that run it here (bench, chaos).
 */
import type { ClientFactory } from '../client/contract.ts';
import { isModuleSpec, resolveClient } from '../client/resolve.ts';
import { UsageError } from '../kernel/errors.ts';
import { type ClientInfo, PlanRunner } from '../scenario/plan-runner.ts';
import { LOAD_TIME_LIMIT_MS_DEFAULT } from '../sim/supervisor.ts';

/** The client used when neither the scenario nor --client names one. */
/** The forms of a client spec, as every command's help lists them. */
export const CLIENT_SPECS =
  'reference | reference:<none|per-record|per-field> | mutant:<name> | <module path (.ts/.js)> | process:<command>';
export const CLIENT_SPEC_HELP = `client under test: ${CLIENT_SPECS}`;
export const DEFAULT_CLIENT = 'reference';

/** A spec that names a user's code (a module or a command), as opposed to a built-in client. */
export function isUserClient(spec: string): boolean {
  const trimmed = spec.trim();
  return trimmed.startsWith('process:') || isModuleSpec(trimmed);
}

function naming<T>(found: Promise<T>, requestedBy: string | undefined): Promise<T> {
  if (requestedBy === undefined) return found;
  return found.catch((error: unknown) => {
    if (error instanceof UsageError)
      throw new UsageError(`${requestedBy}: ${error.message.replace('[syncstorm] ', '')}`);
    throw error;
  });
}

export class ClientCache {
  private readonly resolved = new Map<string, Promise<ClientFactory>>();
  private readonly described = new Map<string, Promise<ClientInfo>>();
  /** Children that described a client and have it loaded: the first run of that client reuses one. */
  private readonly loaded = new Map<string, PlanRunner>();

  /** The client, resolved in this process (bench, chaos, conform). */
  get(spec: string, requestedBy?: string): Promise<ClientFactory> {
    let found = this.resolved.get(spec);
    if (found === undefined) {
      found = resolveClient(spec);
      this.resolved.set(spec, found);
    }
    return naming(found, requestedBy);
  }

  /** What the client declares; a user's client is loaded in a child process, never here. */
  describe(spec: string, requestedBy?: string, heapMb?: number): Promise<ClientInfo> {
    let found = this.described.get(spec);
    if (found === undefined) {
      found = isUserClient(spec) ? this.describeInChild(spec, heapMb) : this.get(spec);
      this.described.set(spec, found);
    }
    return naming(found, requestedBy);
  }

  private async describeInChild(spec: string, heapMb: number | undefined): Promise<ClientInfo> {
    const runner = new PlanRunner(spec, heapMb !== undefined ? { heapMb } : {});
    try {
      const info = await runner.describe(spec, LOAD_TIME_LIMIT_MS_DEFAULT);
      this.loaded.get(spec)?.close();
      this.loaded.set(spec, runner);
      return info;
    } catch (error) {
      runner.close();
      throw error;
    }
  }

  /** A child to run `spec` in: the one that described it (its client already loaded), else a new one. */
  runner(spec: string, heapMb: number | undefined): PlanRunner {
    const found = this.loaded.get(spec);
    this.loaded.delete(spec);
    return found ?? new PlanRunner(spec, heapMb !== undefined ? { heapMb } : {});
  }

  /** Stops the children no run took (the command can then exit). */
  close(): void {
    for (const runner of this.loaded.values()) runner.close();
    this.loaded.clear();
  }
}
