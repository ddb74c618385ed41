/**
 * @module server/mutants
 * Deliberately broken servers: the reference server with one classic bug each, as a wrapper
 * around its `handle`. In the simulation (`--server mutant:<name>`) the checkers must catch
 * each by the invariant it declares; over HTTP (`syncstorm serve --mutant <name>`)
 * `syncstorm conform` must fail against each that declares a promise, and name it.
 */
import { UsageError } from '../../kernel/errors.ts';
import type { ServerMutant } from './handle.ts';
import { keyReuseAccepted } from './key-reuse-accepted.ts';
import { no409 } from './no-409.ts';
import { noIdempotency } from './no-idempotency.ts';
import { noTombstones } from './no-tombstones.ts';
import { skipOnConcurrentPage } from './skip-on-concurrent-page.ts';
import { staleCacheReload } from './stale-cache-reload.ts';

export type { ConformPromiseName, ServerEnv, ServerHandle, ServerMutant } from './handle.ts';

export const SERVER_MUTANTS: readonly ServerMutant[] = Object.freeze([
  noIdempotency,
  keyReuseAccepted,
  no409,
  skipOnConcurrentPage,
  noTombstones,
  staleCacheReload,
]);

/** The server mutant named `name`; bad input (exit 2) when there is none. */
export function serverMutant(name: string): ServerMutant {
  const found = SERVER_MUTANTS.find((mutant) => mutant.name === name);
  if (found !== undefined) return found;
  const known = SERVER_MUTANTS.map((mutant) => mutant.name).join(', ');
  throw new UsageError(`Unknown server mutant '${name}'. Known: ${known}.`);
}
