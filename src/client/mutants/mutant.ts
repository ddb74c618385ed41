/**
 * @module client/mutants/mutant
 * What a mutant is: the reference client with one classic bug, the invariant the bug must
 * break (so the suite can be checked for naming the right one), and a factory.
 */
import type { ClientFactory } from '../contract.ts';
import { type CreateReferenceClientOptions, createReferenceClient } from '../reference/index.ts';

/** The invariants of src/check, by name. */
export type InvariantName =
  | 'no-duplicates'
  | 'no-silent-loss'
  | 'durability'
  | 'no-resurrection'
  | 'no-regression'
  | 'convergence'
  | 'liveness'
  | 'polite-retries'
  | 'request-storm'
  | 'write-order'
  | 'status-honesty'
  | 'resolutions-honoured';

/**
 * The campaign that must catch every mutant by its declared invariant: the mutant's profile
 * (`Mutant.profile`, default 'flaky'), 3 devices x 30 user actions, seeds 1-200. The
 * catalogue test (test/sim/mutants.test.ts) and the shrink bench (bench/shrink.ts) both run it.
 */
export const MUTANT_CAMPAIGN = Object.freeze({ seedStart: 1, seeds: 200, devices: 3, opsPerDevice: 30 });

export interface Mutant {
  /** kebab-case; the client spec is `mutant:<name>`. */
  readonly name: string;
  /** The bug, in one or two sentences. */
  readonly description: string;
  /** The invariant the bug must violate. */
  readonly invariant: InvariantName;
  /** The fuzz profile whose runs can show the bug (default 'flaky'); 'apps' opens further app instances. */
  readonly profile?: string;
  readonly factory: ClientFactory;
  /** Same as `factory` (the name src/client/resolve.ts uses). */
  readonly client: ClientFactory;
}

export interface MutantSpec {
  name: string;
  description: string;
  invariant: InvariantName;
  /** See `Mutant.profile`. */
  profile?: string;
  /** The diff against the reference client: hooks and options. */
  options: CreateReferenceClientOptions;
}

export function defineMutant(spec: MutantSpec): Mutant {
  const factory = createReferenceClient({
    ...spec.options,
    name: `mutant:${spec.name}`,
    description: spec.description,
  });
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    invariant: spec.invariant,
    ...(spec.profile === undefined ? {} : { profile: spec.profile }),
    factory,
    client: factory,
  });
}
