/**
 * @module client
 * The adapter contract (what a team implements to put its sync engine under syncstorm),
 * the reference client and the catalogue of mutant clients.
 */
export * from './contract.ts';
export {
  defineMutant,
  findMutant,
  type InvariantName,
  MUTANTS,
  type Mutant,
  type MutantSpec,
} from './mutants/index.ts';
export {
  type Coalescing,
  CRASH_POINTS,
  type CreateReferenceClientOptions,
  createReferenceClient,
  REFERENCE_POLICY,
  type ReferenceClientOptions,
  type ReferenceHooks,
  referenceClient,
} from './reference/index.ts';
