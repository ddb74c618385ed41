/**
 * Test clients with the conflict behaviour of real engines, built on the example memory
 * client, without a conflict inbox:
 * - server-wins (RxDB's default conflict handler): whenever it meets a server state of a
 *   record it had not seen, the server's record wins and its own unsynced writes of that
 *   record are dropped: on a 409 (push) and when a pull brings a newer rev of a record with
 *   pending ops. A 409 with nothing newer on the server (a spurious one) is replayed.
 *   Declared honestly: `{ default: 'server-wins' }`.
 * - delete-wins (WatermelonDB's applyRemote): a deletion on the server destroys the
 *   record's unsynced edits (on a 409 or a pulled tombstone); other conflicts replay the op
 *   (last writer wins). Declared honestly: `{ default: 'lww', deletes: 'delete-wins' }`.
 * Declared `manual`, their drops are silent losses.
 */

import { createMemoryClient } from '../../examples/memory-client/index.ts';
import { pull } from '../../examples/memory-client/pull.ts';
import { newerBase, onConflict, push } from '../../examples/memory-client/push.ts';
import type { RunContext } from '../../examples/memory-client/run-context.ts';
import { type Base, type Change, opKey, type PendingOp, recordKey } from '../../examples/memory-client/store.ts';
import type { ClientFactory, MergePolicy } from '../../src/client/contract.ts';
import type { ConflictBody } from '../../src/server/protocol.ts';

function dropOps(ctx: RunContext, collection: string, id: string): Change[] {
  return ctx.store.opsOf(collection, id).map((op): Change => ({ kind: 'op', key: opKey(op.seq) }));
}

/** A 409: the server's record wins over every pending op of the record, unless the server has nothing newer. */
function serverWins(ctx: RunContext, op: PendingOp, body: ConflictBody): Change[] {
  const held = ctx.store.bases.get(recordKey(op.collection, op.id))?.rev ?? 0;
  if (body.current.rev <= held) return onConflict(ctx, op, body);
  return [...dropOps(ctx, op.collection, op.id), ...newerBase(ctx, body.current)];
}

type Winner = (before: number, after: Base) => boolean;

/** A pull after which the server's record wins over pending ops where `wins` says so. */
function pullWhere(wins: Winner) {
  return async (ctx: RunContext): ReturnType<typeof pull> => {
    const before = new Map<string, number>();
    for (const op of ctx.store.ops.values()) {
      const key = recordKey(op.collection, op.id);
      before.set(key, ctx.store.bases.get(key)?.rev ?? 0);
    }
    const result = await pull(ctx);
    const drops: Change[] = [];
    for (const [key, rev] of before) {
      const base = ctx.store.bases.get(key);
      if (base !== undefined && wins(rev, base)) drops.push(...dropOps(ctx, base.collection, base.id));
    }
    if (drops.length > 0) ctx.store.commit(drops);
    return result;
  };
}

/** A 409 on an op of a record the server holds deleted: the deletion destroys the record's pending ops. */
function deleteWins(ctx: RunContext, op: PendingOp, body: ConflictBody): Change[] {
  if (!body.current.deleted) return onConflict(ctx, op, body);
  return [...dropOps(ctx, op.collection, op.id), ...newerBase(ctx, body.current)];
}

export type EngineBehaviour = 'server-wins' | 'delete-wins';

const HONEST: Record<EngineBehaviour, MergePolicy> = {
  'server-wins': { default: 'server-wins' },
  'delete-wins': { default: 'lww', deletes: 'delete-wins' },
};

export function createEngineLikeClient(behaviour: EngineBehaviour, policy = HONEST[behaviour]): ClientFactory {
  const steps =
    behaviour === 'server-wins'
      ? { push: (ctx: RunContext) => push(ctx, serverWins), pull: pullWhere((rev, base) => base.rev > rev) }
      : {
          push: (ctx: RunContext) => push(ctx, deleteWins),
          pull: pullWhere((rev, base) => base.rev > rev && base.deleted),
        };
  const inner = createMemoryClient({
    name: behaviour,
    description: `Test client: ${behaviour} on conflicts, like a real engine's default handler.`,
    steps,
  });
  return { ...inner, policy, capabilities: { conflictInbox: false } };
}
