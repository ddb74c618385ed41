/**
 * @module kernel/assert
 * Programmer-error assertions. A failed assertion is a bug in syncstorm or in how it was
 * called, never an injected fault and never an invariant violation (those are values).
 */

export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Throws an AssertionError with `[syncstorm]` prefix when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(`[syncstorm] ${message}`);
}
