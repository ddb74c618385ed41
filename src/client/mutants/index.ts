/**
 * @module client/mutants
 * The catalogue of mutant clients: the reference client with one classic bug each, and
 * the invariant each must violate. The suite has teeth when it catches every one of them
 * and names the right invariant.
 */
import { blindRetry409 } from './blind-retry-409.ts';
import { concurrentInstancePush } from './concurrent-instance-push.ts';
import { cursorBeforeApply } from './cursor-before-apply.ts';
import { deleteCoalescedAway } from './delete-coalesced-away.ts';
import { dropOutboxOn401 } from './drop-outbox-on-401.ts';
import { feedDiesOn400 } from './feed-dies-on-400.ts';
import { forceOverwrite409 } from './force-overwrite-409.ts';
import { hardDelete } from './hard-delete.ts';
import { inMemoryOutbox } from './in-memory-outbox.ts';
import { lwwDeviceClock } from './lww-device-clock.ts';
import type { Mutant } from './mutant.ts';
import { newKeyPerRetry } from './new-key-per-retry.ts';
import { noBackoff } from './no-backoff.ts';
import { noIdempotencyKey } from './no-idempotency-key.ts';
import { noRevCheck } from './no-rev-check.ts';
import { noSyncOnReconnect } from './no-sync-on-reconnect.ts';
import { pullOverwritesPending } from './pull-overwrites-pending.ts';
import { removeBeforeAck } from './remove-before-ack.ts';
import { restoreDroppedOnBounce } from './restore-dropped-on-bounce.ts';
import { resyncLoop } from './resync-loop.ts';
import { serverAssignedIds } from './server-assigned-ids.ts';
import { staleCacheOnPush } from './stale-cache-on-push.ts';
import { syncedOnSend } from './synced-on-send.ts';
import { widenKeepsCheckpoint } from './widen-keeps-checkpoint.ts';

export { defineMutant, type InvariantName, MUTANT_CAMPAIGN, type Mutant, type MutantSpec } from './mutant.ts';

/** Every mutant, in a stable order. */
export const MUTANTS: readonly Mutant[] = Object.freeze([
  noIdempotencyKey,
  newKeyPerRetry,
  serverAssignedIds,
  lwwDeviceClock,
  hardDelete,
  cursorBeforeApply,
  removeBeforeAck,
  deleteCoalescedAway,
  forceOverwrite409,
  blindRetry409,
  noBackoff,
  noRevCheck,
  inMemoryOutbox,
  dropOutboxOn401,
  pullOverwritesPending,
  noSyncOnReconnect,
  resyncLoop,
  feedDiesOn400,
  concurrentInstancePush,
  syncedOnSend,
  restoreDroppedOnBounce,
  staleCacheOnPush,
  widenKeepsCheckpoint,
]);

/** The mutant named `name`, or undefined. */
export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((mutant) => mutant.name === name);
}
