/**
 * @module cli/clients
 * Resolves client specs once per command (a module is imported once, however many
 * scenarios name it), and says which scenario asked for a client that does not resolve.
 */
import type { ClientFactory } from '../client/contract.ts';
import { resolveClient } from '../client/resolve.ts';
import { UsageError } from '../kernel/errors.ts';

/** The client used when neither the scenario nor --client names one. */
export const DEFAULT_CLIENT = 'reference';

export class ClientCache {
  private readonly resolved = new Map<string, Promise<ClientFactory>>();

  get(spec: string, requestedBy?: string): Promise<ClientFactory> {
    let found = this.resolved.get(spec);
    if (found === undefined) {
      found = resolveClient(spec);
      this.resolved.set(spec, found);
    }
    if (requestedBy === undefined) return found;
    return found.catch((error: unknown) => {
      if (error instanceof UsageError)
        throw new UsageError(`${requestedBy}: ${error.message.replace('[syncstorm] ', '')}`);
      throw error;
    });
  }
}
