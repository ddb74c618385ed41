/**
 * A test client with RxDB's default conflict behaviour, built on the example memory client:
 * whenever it meets a server state of a record it had not seen, the server's record wins
 * and its own unsynced writes of that record are dropped: on a 409 (push) and when a pull
 * brings a newer rev of a record with pending ops. A 409 with nothing newer on the server
 * (a spurious one) is replayed as the memory client does. It has no conflict inbox.
 * Declared honestly it is `{ default: 'server-wins' }`; declared `manual`, its drops are
 * silent losses.
 */

import { createMemoryClient } from '../../examples/memory-client/index.ts';
import { pull } from '../../examples/memory-client/pull.ts';
import { newerBase, onConflict, push } from '../../examples/memory-client/push.ts';
import type { RunContext } from '../../examples/memory-client/run-context.ts';
import { type Change, opKey, type PendingOp, recordKey } from '../../examples/memory-client/store.ts';
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

/** A pull that brings a newer rev of a record with pending ops: the server's record wins there too. */
async function serverWinsPull(ctx: RunContext): ReturnType<typeof pull> {
  const before = new Map<string, number>();
  for (const op of ctx.store.ops.values()) {
    const key = recordKey(op.collection, op.id);
    before.set(key, ctx.store.bases.get(key)?.rev ?? 0);
  }
  const result = await pull(ctx);
  const drops: Change[] = [];
  for (const [key, rev] of before) {
    const base = ctx.store.bases.get(key);
    if (base !== undefined && base.rev > rev) drops.push(...dropOps(ctx, base.collection, base.id));
  }
  if (drops.length > 0) ctx.store.commit(drops);
  return result;
}

export function createServerWinsClient(policy: MergePolicy = { default: 'server-wins' }): ClientFactory {
  const inner = createMemoryClient({
    name: 'server-wins',
    description: 'Test client: the server state wins over unsynced local writes (RxDB default handler).',
    steps: { push: (ctx) => push(ctx, serverWins), pull: serverWinsPull },
  });
  return { ...inner, policy, capabilities: { conflictInbox: false } };
}
