/**
 * @module scenario/root-cause
 * Which invariant a repro keeps violating when a run broke several. A mutant declares the
 * one its bug breaks; otherwise it is the violation whose witnessing events come first in
 * the run: a stuck upload that later also loses a write is a liveness bug first, and a
 * repro shrunk to keep only the later symptom would hide the cause. Ties (the same first
 * event) go to the checker order. Process deaths (a client that exited, crashed, ran out
 * of memory or overran) have no run to shrink and are never chosen.
 */
import { PROCESS_ERROR_KINDS } from '../sim/client-errors.ts';
import type { RunViolation } from '../sim/result.ts';

/** True for a violation a repro can keep: not a process death. */
export function shrinkable(invariant: string): boolean {
  return !(PROCESS_ERROR_KINDS as readonly string[]).includes(invariant);
}

/** Compares witnessing events: the violation seen earlier first; one without events last. */
function earlier(a: RunViolation, b: RunViolation): number {
  const length = Math.max(a.events.length, b.events.length);
  for (let index = 0; index < length; index++) {
    const left = a.events[index] ?? Number.POSITIVE_INFINITY;
    const right = b.events[index] ?? Number.POSITIVE_INFINITY;
    if (left !== right) return left - right;
  }
  return 0;
}

/**
 * The invariant to keep: `prefer` (a mutant's declared one) when the run broke it, else the
 * root cause. Undefined when nothing shrinkable was broken.
 */
export function rootInvariant(violations: readonly RunViolation[], prefer?: string): string | undefined {
  const candidates = violations.filter((violation) => shrinkable(violation.invariant));
  if (prefer !== undefined && candidates.some((violation) => violation.invariant === prefer)) return prefer;
  // A stable sort: equal witnesses keep the checkers' order.
  return [...candidates].sort(earlier)[0]?.invariant;
}

/** Every invariant the run broke, once each, in the order of their first witnesses. */
export function brokenInvariants(violations: readonly RunViolation[]): string[] {
  const ordered = [...violations].sort(earlier).map((violation) => violation.invariant);
  return [...new Set(ordered)];
}
