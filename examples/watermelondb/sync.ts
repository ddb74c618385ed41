/**
 * @module examples/watermelondb/sync
 * `pullChanges` and `pushChanges` for WatermelonDB's `synchronize()`, speaking the reference
 * protocol through the kit.
 * - pull: every page of `GET /changes` after the cursor, as WatermelonDB change sets. Its
 *   `lastPulledAt` is a number; the adapter hands out a sequence number and keeps the
 *   opaque cursor under it (kit storage), so WatermelonDB stores the pull position in the
 *   same place as the records it applied, and a kill keeps both or neither. A revision
 *   older than the one the device holds (a lagging replica) is dropped.
 * - push: one `POST /sync/ops` per local change; the patch is diffed from the record's
 *   `base` column (the server's fields at `rev`) and frozen in the kit's `OpLedger`, so a
 *   repeated push of the same change carries the same Idempotency-Key. Any answer other
 *   than success makes the push throw: `synchronize()` fails, and the next run pulls first
 *   (WatermelonDB merges per column: local changes win) and pushes again on the new base.
 */
import { type Database, Q } from '@nozbe/watermelondb';
import type {
  SyncDatabaseChangeSet,
  SyncPullArgs,
  SyncPullResult,
  SyncPushArgs,
  SyncTableChangeSet,
} from '@nozbe/watermelondb/sync/index.js';
import {
  type ClientEnv,
  diffFields,
  type KeyValueStorage,
  type OpLedger,
  type ServerRecord,
  type SyncOp,
  type Transport,
} from '../../src/index.ts';
import { baseOfRaw, COLLECTIONS, fieldsOfRaw, type Raw, rawOfRecord } from './schema.ts';

export interface SyncParts {
  env: ClientEnv;
  database: Database;
  transport: Transport;
  ledger: OpLedger;
  /** Pull positions: `pull-seq` and `cursor:<n>`. */
  meta: KeyValueStorage;
  counters: readonly string[];
  pageLimit: number;
  counts: { pushed: number; pulled: number };
}

/** Bound on pages one pull reads. */
const PAGES_PER_PULL_MAX = 50;

/** Why a pull or push gave up; `waitMs` when the server said how long to wait (Retry-After). */
export class SyncFailed extends Error {
  override name = 'SyncFailed';
  constructor(
    message: string,
    readonly waitMs?: number,
  ) {
    super(message);
  }
}

/**
 * Remembers that the server holds a record deleted at `rev`. WatermelonDB destroys a record
 * for good once its delete is synced (its own, pushed; or a pulled one), so without this the
 * adapter would no longer know the record's rev and would take a lagging replica's older
 * copy of it for a new record (a resurrection).
 */
function noteDeleted(parts: SyncParts, table: string, id: string, rev: number): void {
  const key = `deleted:${table}:${id}`;
  if (Number(parts.meta.getItem(key) ?? '0') < rev) parts.meta.setItem(key, String(rev));
}

/** The newest revision at which the server held the record deleted, as far as the device knows (0: none). */
function deletedRev(parts: SyncParts, table: string, id: string): number {
  return Number(parts.meta.getItem(`deleted:${table}:${id}`) ?? '0');
}

async function heldRevs(parts: SyncParts, table: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const records = await parts.database
    .get(table)
    .query(Q.where('id', Q.oneOf(ids)))
    .fetch();
  return new Map(records.map((record) => [record.id, Number((record._raw as unknown as Raw).rev ?? 0)]));
}

/** The newest copy of each record in the pages, if newer than what the device holds. */
async function changeSet(parts: SyncParts, records: ServerRecord[]): Promise<SyncDatabaseChangeSet> {
  const set: Record<string, SyncTableChangeSet> = {};
  for (const table of COLLECTIONS) {
    const newest = new Map<string, ServerRecord>();
    for (const record of records) {
      if (record.collection !== table) continue;
      if (record.rev > (newest.get(record.id)?.rev ?? 0)) newest.set(record.id, record);
    }
    const held = await heldRevs(parts, table, [...newest.keys()]);
    const change = { created: [] as Raw[], updated: [] as Raw[], deleted: [] as string[] };
    for (const record of newest.values()) {
      const heldRev = held.get(record.id);
      if (heldRev !== undefined && heldRev >= record.rev) continue;
      // A record deleted here and destroyed since: only a newer revision (a restore) brings it
      // back. A record the device holds again (Loki reloaded an older save after a kill) is
      // judged by the rev it holds, so the server's tombstone still reaches it.
      if (heldRev === undefined && deletedRev(parts, table, record.id) >= record.rev) continue;
      parts.ledger.settle(table, record.id); // a newer server state: older frozen ops are answered
      if (record.deleted) {
        noteDeleted(parts, table, record.id, record.rev);
        change.deleted.push(record.id);
      } else (heldRev === undefined ? change.created : change.updated).push(rawOfRecord(record));
    }
    set[table] = change;
  }
  return set as unknown as SyncDatabaseChangeSet;
}

export async function pullChanges(parts: SyncParts, args: SyncPullArgs): Promise<SyncPullResult> {
  const { meta, transport, env } = parts;
  let cursor = args.lastPulledAt === undefined ? undefined : (meta.getItem(`cursor:${args.lastPulledAt}`) ?? undefined);
  const records: ServerRecord[] = [];
  for (let pages = 0; ; pages++) {
    if (pages >= PAGES_PER_PULL_MAX) throw new SyncFailed('pull: page bound');
    const outcome = await transport.pullChanges(cursor, parts.pageLimit);
    if (outcome.kind === 'rejected') {
      cursor = undefined; // the server no longer knows the cursor: start over (rev checks make that safe)
      continue;
    }
    if (outcome.kind !== 'page') throw new SyncFailed(`pull: ${outcome.reason}`, outcome.waitMs);
    env.crashPoint('after-pull-before-apply');
    records.push(...outcome.page.changes);
    cursor = outcome.page.next;
    if (!outcome.page.hasMore) break;
  }
  const timestamp = Number(meta.getItem('pull-seq') ?? '0') + 1;
  meta.setItem(`cursor:${timestamp}`, cursor ?? '');
  meta.setItem('pull-seq', String(timestamp));
  parts.counts.pulled += records.length;
  env.log({ type: 'pull-page', changes: records.length });
  return { changes: await changeSet(parts, records), timestamp };
}

function opOf(parts: SyncParts, table: string, raw: Raw, kind: 'create' | 'update'): SyncOp {
  const fields = fieldsOfRaw(raw);
  const base = kind === 'create' ? undefined : baseOfRaw(raw);
  const baseRev = kind === 'create' ? null : Number(raw.rev ?? 0);
  const change = { collection: table, id: String(raw.id), base: { rev: baseRev, fields: base }, state: fields };
  return parts.ledger.freeze(change, () => ({
    opId: parts.env.uuid(),
    collection: table,
    id: String(raw.id),
    kind,
    baseRev,
    patch: diffFields(base, fields, { counters: parts.counters }),
  }));
}

async function pushOne(parts: SyncParts, op: SyncOp): Promise<void> {
  parts.env.crashPoint('before-push');
  const outcome = await parts.transport.pushOp(op);
  const result = outcome.kind === 'conflict' ? `conflict:${outcome.body.reason}` : outcome.kind;
  parts.env.log({ type: 'push-result', outboxItemId: op.opId, result, collection: op.collection, id: op.id });
  if (outcome.kind === 'applied') {
    parts.counts.pushed++;
    if (op.kind === 'delete' && outcome.record !== null) noteDeleted(parts, op.collection, op.id, outcome.record.rev);
    return;
  }
  // A delete of a record the server already deleted is done.
  if (outcome.kind === 'conflict' && op.kind === 'delete' && outcome.body.reason === 'deleted') {
    noteDeleted(parts, op.collection, op.id, outcome.body.current.rev);
    return;
  }
  if (outcome.kind === 'conflict' || outcome.kind === 'rejected') parts.ledger.settle(op.collection, op.id);
  throw new SyncFailed(`push ${op.opId}: ${result}`, outcome.kind === 'retry' ? outcome.waitMs : undefined);
}

export async function pushChanges(parts: SyncParts, args: SyncPushArgs): Promise<void> {
  for (const table of COLLECTIONS) {
    const change = (args.changes as unknown as Record<string, SyncTableChangeSet | undefined>)[table];
    if (change === undefined) continue;
    // A record created here that a pull has since brought back (a kill after the server took the
    // create; WatermelonDB still calls it created, with the server's rev merged in) is an update.
    for (const raw of change.created as Raw[]) {
      await pushOne(parts, opOf(parts, table, raw, Number(raw.rev ?? 0) > 0 ? 'update' : 'create'));
    }
    for (const raw of change.updated as Raw[]) await pushOne(parts, opOf(parts, table, raw, 'update'));
    for (const id of change.deleted) {
      // WatermelonDB hands over only the ids of deleted records: the delete is unconditional.
      const op = parts.ledger.freeze({ collection: table, id, base: null, state: 'deleted' }, () => ({
        opId: parts.env.uuid(),
        collection: table,
        id,
        kind: 'delete',
        baseRev: null,
        patch: [],
      }));
      await pushOne(parts, op);
    }
  }
  parts.env.crashPoint('after-push-before-commit');
}
