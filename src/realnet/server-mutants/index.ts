/**
 * @module realnet/server-mutants
 * Deliberately broken servers for `syncstorm serve --mutant <name>`: the reference server
 * with one classic bug each, as a wrapper around its `handle`. `syncstorm conform` must fail
 * against every one of them and name the promise it breaks.
 */
import { UsageError } from '../../kernel/errors.ts';
import type { ServerMutant } from './handle.ts';
import { keyReuseAccepted } from './key-reuse-accepted.ts';
import { no409 } from './no-409.ts';
import { noIdempotency } from './no-idempotency.ts';
import { noTombstones } from './no-tombstones.ts';
import { skipOnConcurrentPage } from './skip-on-concurrent-page.ts';

export type { ConformPromiseName, ServerHandle, ServerMutant } from './handle.ts';

export const SERVER_MUTANTS: readonly ServerMutant[] = Object.freeze([
  noIdempotency,
  keyReuseAccepted,
  no409,
  skipOnConcurrentPage,
  noTombstones,
]);

/** The server mutant named `name`; bad input (exit 2) when there is none. */
export function serverMutant(name: string): ServerMutant {
  const found = SERVER_MUTANTS.find((mutant) => mutant.name === name);
  if (found !== undefined) return found;
  const known = SERVER_MUTANTS.map((mutant) => mutant.name).join(', ');
  throw new UsageError(`Unknown server mutant '${name}'. Known: ${known}.`);
}
