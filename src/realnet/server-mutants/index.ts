/**
 * @module realnet/server-mutants
 * The server mutants as `syncstorm serve --mutant <name>` and `conform` see them. They live in
 * the server layer (src/server/mutants) so that the simulation can run them too.
 */
export {
  type ConformPromiseName,
  SERVER_MUTANTS,
  type ServerHandle,
  type ServerMutant,
  serverMutant,
} from '../../server/mutants/index.ts';
