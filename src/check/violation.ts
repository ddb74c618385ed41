/**
 * @module check/violation
 * What a checker returns: violations as data, each naming the trace events that witness it,
 * and declared losses (a loss the client's merge policy accepts: counted, not failed).
 */
import type { DeletePolicy, FieldPolicy } from '../client/contract.ts';
import type { FieldValue } from '../server/protocol.ts';
import type { History } from './history.ts';

export const INVARIANT_NAMES = [
  'no-duplicates',
  'no-silent-loss',
  'durability',
  'no-resurrection',
  'no-regression',
  'convergence',
  'liveness',
  'polite-retries',
  'request-storm',
  'write-order',
  'status-honesty',
  'resolutions-honoured',
] as const;

export type InvariantName = (typeof INVARIANT_NAMES)[number];

export interface Violation {
  invariant: InvariantName;
  /** One sentence: what happened, where, and why it breaks the invariant. */
  message: string;
  /** Trace seqs of the events that witness the violation, ascending. */
  events: number[];
  expected?: unknown;
  actual?: unknown;
  device?: string;
  collection?: string;
  recordId?: string;
}

/** A write lost under a policy the client declared lossy ('lww', 'server-wins', 'delete-wins'), with the event it lost to. */
export interface DeclaredLoss {
  /** The device whose write was lost. */
  device: string;
  collection: string;
  recordId: string;
  field: string;
  policy: FieldPolicy | DeletePolicy;
  /** The lost value: a written string, or for a counter the missing amount. */
  value: FieldValue;
  message: string;
  events: number[];
}

/** A pure checker of one invariant. */
export type Checker = (history: History) => Violation[];

/** Where a violation points, besides its events. */
export interface ViolationSubject {
  device?: string;
  collection?: string;
  recordId?: string;
  expected?: unknown;
  actual?: unknown;
}

/** Builds a violation with its witness seqs sorted and deduplicated; undefined subject fields are left out. */
export function violation(
  invariant: InvariantName,
  message: string,
  events: Iterable<number>,
  subject: ViolationSubject = {},
): Violation {
  const result: Violation = { invariant, message, events: sortedSeqs(events) };
  for (const [key, value] of Object.entries(subject)) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
  }
  return result;
}

export function sortedSeqs(events: Iterable<number>): number[] {
  return [...new Set(events)].sort((a, b) => a - b);
}
