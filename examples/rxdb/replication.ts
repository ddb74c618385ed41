/**
 * @module examples/rxdb/replication
 * RxDB's replication plugin with custom handlers that speak the reference protocol through
 * the kit. RxDB hands the push handler rows of `{ assumedMasterState, newDocumentState }`
 * and retries the same rows every `retryTime` when the handler throws; the pull handler
 * gets the last checkpoint and returns documents and the next one.
 * - push: one `POST /sync/ops` per row, its patch diffed from the two states, frozen in
 *   the kit's `OpLedger` so a retry (by RxDB's timer, or after a kill) carries the same
 *   Idempotency-Key. A 409 returns the server's record as the conflicting master state:
 *   RxDB's conflict handler decides (its default keeps the server's state).
 * - pull: pages of `GET /changes` from the cursor kept as RxDB's checkpoint; an older
 *   revision than the device already holds (a lagging replica) is dropped.
 * - stream$: `RESYNC` on demand (sync(), reconnect, a timer), as RxDB documents.
 */
import type { RxCollection } from 'rxdb';
import { type RxReplicationState, replicateRxCollection } from 'rxdb/plugins/replication';
import { Subject } from 'rxjs';
import {
  type ClientEnv,
  diffFields,
  type OpLedger,
  type PushOutcome,
  type ServerRecord,
  type SyncOp,
  stableJson,
  type Transport,
} from '../../src/index.ts';
import { contentOf, type DeletableDoc, docOfRecord, type RecordDoc } from './schema.ts';
import type { Tracking } from './tracking.ts';

export interface Checkpoint {
  cursor: string | null;
}

export interface ReplicationParts {
  env: ClientEnv;
  collection: RxCollection<RecordDoc>;
  transport: Transport;
  ledger: OpLedger;
  tracking: Tracking;
  counters: readonly string[];
  /** RxDB's retry interval after a failed handler (its default is 5 s). */
  retryTimeMs: number;
  pageLimit: number;
  counts: { pushed: number; pulled: number };
  /** Holds every request for `waitMs` (the server's Retry-After); no-op when undefined. */
  hold: (waitMs: number | undefined) => void;
  held: () => boolean;
}

/** Bound on pages one pull call reads while it filters stale records out. */
const PAGES_PER_PULL_MAX = 20;

class HandlerError extends Error {
  override name = 'SyncstormHandlerError';
}

/** The base revision of a local change: the newest server revision whose content the change was made on. */
function baseRevOf(parts: ReplicationParts, assumed: DeletableDoc): number | null {
  const confirmedRev = parts.tracking.revOfContent(assumed.key, stableJson(contentOf(assumed)));
  const rev = Math.max(confirmedRev ?? 0, assumed.rev);
  // No server revision is known for the assumed state: the server checks nothing (unconditional).
  return rev > 0 ? rev : null;
}

function wireOp(
  parts: ReplicationParts,
  assumed: DeletableDoc | undefined,
  next: DeletableDoc,
  baseRev: number | null,
): SyncOp | undefined {
  const common = { opId: parts.env.uuid(), collection: next.coll, id: next.id };
  if (next._deleted)
    return assumed === undefined || assumed._deleted ? undefined : { ...common, kind: 'delete', baseRev, patch: [] };
  if (assumed === undefined || assumed._deleted) {
    return {
      ...common,
      kind: 'create',
      baseRev,
      patch: diffFields(undefined, next.fields, { counters: parts.counters }),
    };
  }
  return {
    ...common,
    kind: 'update',
    baseRev,
    patch: diffFields(assumed.fields, next.fields, { counters: parts.counters }),
  };
}

type RowResult =
  | { kind: 'done' }
  | { kind: 'conflict'; master: DeletableDoc }
  | { kind: 'retry'; reason: string; waitMs?: number };

/** Pushes one row: done, a conflict with the server's record, or worth a retry. */
async function pushRow(
  parts: ReplicationParts,
  assumed: DeletableDoc | undefined,
  next: DeletableDoc,
): Promise<RowResult> {
  // A create has no base; a restore of a tombstone carries the tombstone's rev.
  const baseRev = assumed === undefined ? null : baseRevOf(parts, assumed);
  const built = wireOp(parts, assumed, next, baseRev);
  if (built === undefined) return { kind: 'done' }; // created and deleted before the server saw it
  const change = {
    collection: next.coll,
    id: next.id,
    base: { baseRev, assumed: assumed && contentOf(assumed) },
    state: contentOf(next),
  };
  const op = parts.ledger.freeze(change, () => built);
  parts.env.crashPoint('before-push');
  const outcome: PushOutcome = await parts.transport.pushOp(op);
  parts.env.log({
    type: 'push-result',
    outboxItemId: op.opId,
    result: outcome.kind === 'conflict' ? `conflict:${outcome.body.reason}` : outcome.kind,
    collection: op.collection,
    id: op.id,
  });
  if (outcome.kind === 'retry') return outcome;
  parts.env.crashPoint('after-push-before-commit');
  parts.ledger.settle(op.collection, op.id);
  if (outcome.kind === 'rejected') return { kind: 'retry', reason: `rejected with ${outcome.status}` };
  if (outcome.kind === 'conflict') {
    const master = docOfRecord(outcome.body.current);
    parts.tracking.confirm(master.key, master);
    return { kind: 'conflict', master };
  }
  parts.counts.pushed++;
  const record: ServerRecord | null = outcome.record;
  if (record !== null) parts.tracking.confirm(next.key, docOfRecord(record));
  return { kind: 'done' };
}

/**
 * The revision each document holds, deleted documents included: the rev in RxDB's storage,
 * or the newest revision a push answer confirmed while the document still holds that
 * revision's content (RxDB does not write the server's rev back after a push). A document
 * whose content differs from its confirmed revision holds only the revision before it: RxDB
 * may have pushed an older snapshot than the document holds (README, "seed 30"), and the
 * pulled copy of the confirmed revision is what brings the document back to the server's state.
 */
async function heldRevs(parts: ReplicationParts, keys: string[]): Promise<Map<string, number>> {
  const held = await parts.collection.storageInstance.findDocumentsById(keys, true);
  const stored = new Map<string, DeletableDoc>();
  for (const doc of held) stored.set(doc.key, doc as DeletableDoc);
  const revs = new Map<string, number>();
  for (const key of keys) {
    const doc = stored.get(key);
    const confirmed = parts.tracking.confirmedOf(key);
    const holdsConfirmed = doc !== undefined && confirmed?.content === stableJson(contentOf(doc));
    const confirmedRev = confirmed === undefined ? 0 : confirmed.rev - (holdsConfirmed ? 0 : 1);
    revs.set(key, Math.max(doc?.rev ?? 0, confirmedRev));
  }
  return revs;
}

/**
 * Resolves when the OS says the device is online (or the incarnation dies). RxDB does the
 * same in browsers (its retry races `window`'s online event); without it a week offline is
 * a retry every 5 s for a week.
 */
function untilOnline(env: ClientEnv): Promise<void> {
  if (env.surroundings.online || env.signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      off();
      env.signal?.removeEventListener('abort', done);
      resolve();
    };
    const off = env.surroundings.on('online', done);
    env.signal?.addEventListener('abort', done, { once: true });
  });
}

async function pull(parts: ReplicationParts, checkpoint: Checkpoint | undefined, batchSize: number) {
  await untilOnline(parts.env);
  if (parts.held()) throw new HandlerError('pull: waiting for Retry-After');
  let cursor = checkpoint?.cursor ?? undefined;
  const newest = new Map<string, DeletableDoc>();
  let restarted = false;
  for (let pages = 0; pages < PAGES_PER_PULL_MAX; pages++) {
    const outcome = await parts.transport.pullChanges(cursor, parts.pageLimit);
    if (outcome.kind === 'rejected') {
      // The server refused the cursor (400, or 410 resync-required: it forgot it). RxDB keeps
      // its checkpoint when a pull brings no documents, so returning an empty batch would ask
      // for the same cursor again for ever: start over from the beginning within this pull
      // (rev checks make the sweep safe), once.
      if (cursor === undefined || restarted) return { documents: [], checkpoint: { cursor: null } };
      cursor = undefined;
      restarted = true;
      newest.clear();
      continue;
    }
    if (outcome.kind !== 'page') {
      parts.hold(outcome.waitMs);
      throw new HandlerError(`pull: ${outcome.reason}`);
    }
    parts.env.crashPoint('after-pull-before-apply');
    const docs = outcome.page.changes.map(docOfRecord);
    const held = await heldRevs(
      parts,
      docs.map((doc) => doc.key),
    );
    for (const doc of docs) {
      const known = Math.max(held.get(doc.key) ?? 0, newest.get(doc.key)?.rev ?? 0);
      if (doc.rev > known) newest.set(doc.key, doc);
    }
    for (const doc of newest.values()) parts.tracking.notePulled(doc);
    cursor = outcome.page.next;
    if (!outcome.page.hasMore || newest.size >= batchSize) break;
  }
  parts.counts.pulled += newest.size;
  parts.env.log({ type: 'pull-page', changes: newest.size });
  return { documents: [...newest.values()], checkpoint: { cursor: cursor ?? null } };
}

export function startReplication(parts: ReplicationParts): {
  state: RxReplicationState<RecordDoc, Checkpoint>;
  resync: () => void;
} {
  const stream$ = new Subject<'RESYNC'>();
  const state = replicateRxCollection<RecordDoc, Checkpoint>({
    collection: parts.collection,
    replicationIdentifier: 'syncstorm-reference-protocol',
    live: true,
    retryTime: parts.retryTimeMs,
    waitForLeadership: false,
    autoStart: true,
    push: {
      batchSize: 1, // one row per call: a failed row never makes RxDB resend rows the server already took
      async handler(rows) {
        await untilOnline(parts.env);
        if (parts.held()) throw new HandlerError('push: waiting for Retry-After');
        const conflicts: DeletableDoc[] = [];
        for (const row of rows) {
          const assumed = row.assumedMasterState as DeletableDoc | undefined;
          const result = await pushRow(parts, assumed, row.newDocumentState as DeletableDoc);
          if (result.kind === 'conflict') conflicts.push(result.master);
          if (result.kind !== 'retry') continue;
          // RxDB retries the same rows after retryTime; a longer Retry-After holds them until it passed.
          parts.hold(result.waitMs);
          throw new HandlerError(`push: ${result.reason}`);
        }
        return conflicts;
      },
    },
    pull: {
      batchSize: parts.pageLimit,
      handler: (checkpoint, batchSize) => pull(parts, checkpoint, batchSize),
      stream$: stream$.asObservable(),
    },
  });
  return { state, resync: () => stream$.next('RESYNC') };
}
