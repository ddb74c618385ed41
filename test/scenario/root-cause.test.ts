/**
 * Goal: a repro keeps the mutant's declared invariant when the run broke it, otherwise the
 * violation whose witnessing events come first (the root cause, not the checker order), and
 * lists every invariant the run broke. Method: violations built by hand.
 */
import { describe, expect, it } from 'vitest';
import { brokenInvariants, rootInvariant } from '../../src/scenario/root-cause.ts';
import type { RunViolation } from '../../src/sim/result.ts';

const violation = (invariant: string, events: number[]): RunViolation =>
  ({ invariant, message: `${invariant} broke`, events }) as RunViolation;

describe('rootInvariant', () => {
  // Checker order puts no-silent-loss before liveness; the stuck upload came first.
  const run = [
    violation('no-silent-loss', [40, 90]),
    violation('liveness', [12, 95]),
    violation('durability', [12, 60]),
  ];

  it('prefers the declared invariant when the run broke it', () => {
    expect(rootInvariant(run, 'durability')).toBe('durability');
    expect(rootInvariant(run, 'no-duplicates')).toBe('durability');
  });

  it('otherwise keeps the violation witnessed first, ties broken by the next witness', () => {
    expect(rootInvariant(run)).toBe('durability'); // [12, 60] before [12, 95]
    expect(rootInvariant([violation('convergence', []), violation('no-regression', [7])])).toBe('no-regression');
  });

  it('never keeps a process death, and lists every broken invariant once, first witnessed first', () => {
    expect(rootInvariant([violation('client-timeout', [1])])).toBeUndefined();
    expect(rootInvariant([violation('client-crashed', [1]), violation('liveness', [5])])).toBe('liveness');
    expect(brokenInvariants([...run, violation('liveness', [99])])).toEqual([
      'durability',
      'liveness',
      'no-silent-loss',
    ]);
  });
});
