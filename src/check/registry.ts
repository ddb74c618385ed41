/**
 * @module check/registry
 * The invariant catalogue as data: name, one-line description, checker, in the order the
 * report lists them (docs/invariants.md is the prose). `syncstorm list invariants` prints it.
 */
import { checkConvergence } from './invariants/convergence.ts';
import { checkDurability } from './invariants/durability.ts';
import { checkLiveness } from './invariants/liveness.ts';
import { checkNoDuplicates } from './invariants/no-duplicates.ts';
import { checkNoRegression } from './invariants/no-regression.ts';
import { checkNoResurrection } from './invariants/no-resurrection.ts';
import { checkNoSilentLoss } from './invariants/no-silent-loss.ts';
import { checkPoliteRetries } from './invariants/polite-retries.ts';
import { checkRequestStorm } from './invariants/request-storm.ts';
import { checkResolutionsHonoured } from './invariants/resolutions-honoured.ts';
import { checkStatusHonesty } from './invariants/status-honesty.ts';
import { checkWriteOrder } from './invariants/write-order.ts';
import type { Checker, InvariantName } from './violation.ts';

export interface InvariantSpec {
  name: InvariantName;
  /** One line, for `list invariants`. */
  description: string;
  check: Checker;
}

export const INVARIANTS: readonly InvariantSpec[] = Object.freeze([
  {
    name: 'no-duplicates',
    description:
      'each op applied once; one record per client id; no list shows a record twice; counters not over-counted',
    check: checkNoDuplicates,
  },
  {
    name: 'no-silent-loss',
    description:
      'every committed write is kept, knowingly overwritten, surfaced as a conflict, or a declared (lww) loss',
    check: checkNoSilentLoss,
  },
  {
    name: 'durability',
    description: 'after a kill and restart a device shows what it showed before, pending count and conflicts included',
    check: checkDurability,
  },
  {
    name: 'no-resurrection',
    description: 'a record deleted by a writer who had seen its latest state stays deleted unless a user restores it',
    check: checkNoResurrection,
  },
  {
    name: 'no-regression',
    description: 'a device never shows an older rev of a record than it showed before',
    check: checkNoRegression,
  },
  {
    name: 'convergence',
    description: "after heal every device shows the server's live records and fields, conflicts aside, nothing pending",
    check: checkConvergence,
  },
  {
    name: 'liveness',
    description: 'after heal outboxes drain on their own within the bound; no 409 loop; no client error or hang',
    check: checkLiveness,
  },
  {
    name: 'polite-retries',
    description: 'Retry-After and a least backoff are respected; no op is sent more than a bounded number of times',
    check: checkPoliteRetries,
  },
  {
    name: 'request-storm',
    description:
      'a request refused with a 4xx (not 401/429) is not resent unchanged over and over; no polling storm after convergence',
    check: checkRequestStorm,
  },
  {
    name: 'write-order',
    description:
      "a device's writes reach the server once each, in the order it issued them, whichever instance issued them",
    check: checkWriteOrder,
  },
  {
    name: 'status-honesty',
    description:
      'a record shown synced is a state the server acknowledged; an unacknowledged write is never synced nor 0 pending',
    check: checkStatusHonesty,
  },
  {
    name: 'resolutions-honoured',
    description:
      'a resolved conflict does not reopen unchanged; a kept or merged choice reaches the server or meets a new conflict',
    check: checkResolutionsHonoured,
  },
]);

/** The spec of one invariant; throws on an unknown name (a programmer error). */
export function invariant(name: string): InvariantSpec {
  const spec = INVARIANTS.find((candidate) => candidate.name === name);
  if (spec === undefined) {
    const known = INVARIANTS.map((candidate) => candidate.name).join(', ');
    throw new Error(`[syncstorm] unknown invariant '${name}'. Known invariants: ${known}.`);
  }
  return spec;
}
