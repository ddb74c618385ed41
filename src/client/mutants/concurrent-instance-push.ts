/**
 * @module client/mutants/concurrent-instance-push
 * Bug: the app's instances on one device (two tabs, a share extension beside the app) push
 * the one SQLite outbox at the same time. There is no lock across instances (each only
 * serializes its own runs, in memory), and the outbox works as a naive job queue: an
 * instance skips the rows another instance has claimed (in flight) and sends the next one.
 * So a record's second op leaves while its first is still in flight elsewhere, with the
 * base rev of before the first: the device's own writes meet as a conflict at the server,
 * or land out of order. Alone on its storage it behaves as the reference does.
 */
import type { OutboxRow } from '../reference/index.ts';
import { recordAttempt } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

/** A claim older than this is free again (its instance is presumed dead). */
const CLAIM_TTL_MS = 30_000;
/** Outbox rows looked at to find unclaimed ones. */
const ROWS_LOOKED_AT_MAX = 64;

const claimKey = (opId: string) => `claim:${opId}`;

export const concurrentInstancePush = defineMutant({
  name: 'concurrent-instance-push',
  description:
    "Instances of the app push the device's one outbox at once, each skipping the rows another has in flight; a record's later op overtakes its earlier one.",
  invariant: 'write-order',
  profile: 'apps',
  options: {
    hooks: {
      takeRunLock: () => true,
      beforeSend(ctx, row) {
        recordAttempt(ctx, row);
        ctx.store.kvSet(claimKey(row.opId), `${ctx.env.instance ?? 1}@${ctx.env.clock.now()}`);
      },
      afterApplied(ctx, row) {
        ctx.store.kvDelete(claimKey(row.opId));
      },
      nextOps(ctx, limit) {
        const me = String(ctx.env.instance ?? 1);
        const free = ctx.store.headOps(ROWS_LOOKED_AT_MAX).filter((row) => {
          const claim = ctx.store.kvGet(claimKey(row.opId));
          if (claim === undefined || row.state !== 'in-flight') return true;
          const [owner, at] = claim.split('@');
          return owner === me || ctx.env.clock.now() - Number(at) > CLAIM_TTL_MS;
        });
        // The reference's rule (one op per record) applied to the rows this instance sees.
        const seen = new Set<string>();
        const out: OutboxRow[] = [];
        for (const row of free) {
          const key = `${row.collection}\u0000${row.recordId}`;
          if (seen.has(key) || out.length >= limit) break;
          seen.add(key);
          out.push(row);
        }
        return out;
      },
    },
  },
});
