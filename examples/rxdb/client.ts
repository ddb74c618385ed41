/**
 * @module examples/rxdb/client
 * The syncstorm app API over an RxDB collection: writes go to RxDB (local-first), RxDB's
 * live replication pushes them on its own, and the adapter asks for a pull (`RESYNC`) when
 * the app comes back online or to the foreground, every 30 s, and on `sync()`.
 */
import type { RxCollection } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import {
  type ClientEnv,
  type Conflict,
  type Fields,
  type LocalRecord,
  type PatchOp,
  patchedFields,
  type SyncClient,
  type SyncRunResult,
} from '../../src/index.ts';
import type { Checkpoint } from './replication.ts';
import { type DeletableDoc, docKey, type RecordDoc } from './schema.ts';
import type { Tracking } from './tracking.ts';

export const TIMING = {
  resyncEveryMs: 30_000,
  /** sync() waits at most this long for RxDB to be in sync (offline, it would wait forever). */
  syncWaitMsMax: 20_000,
};

export interface RxdbClientParts {
  env: ClientEnv;
  collection: RxCollection<RecordDoc>;
  replication: RxReplicationState<RecordDoc, Checkpoint>;
  resync: () => void;
  tracking: Tracking;
  counts: { pushed: number; pulled: number };
}

export class RxdbClient implements SyncClient {
  constructor(private readonly parts: RxdbClientParts) {}

  start(): void {
    const { env } = this.parts;
    env.surroundings.on('online', this.parts.resync);
    env.surroundings.on('foreground', this.parts.resync);
    const tick = () => {
      env.clock.setTimeout(() => {
        tick();
        if (env.surroundings.online) this.parts.resync();
      }, TIMING.resyncEveryMs);
    };
    tick();
  }

  async create(collection: string, fields: Fields): Promise<string> {
    const id = this.parts.env.uuid();
    const key = docKey(collection, id);
    this.parts.tracking.markWritten(key);
    await this.parts.collection.insert({ key, coll: collection, id, fields, rev: 0 });
    return id;
  }

  async update(collection: string, id: string, patch: PatchOp[]): Promise<void> {
    const doc = await this.parts.collection.findOne(docKey(collection, id)).exec();
    if (doc === null) return;
    this.parts.tracking.markWritten(doc.key);
    await doc.incrementalModify((data) => ({ ...data, fields: patchedFields(data.fields, patch) }));
  }

  async delete(collection: string, id: string): Promise<void> {
    const doc = await this.parts.collection.findOne(docKey(collection, id)).exec();
    if (doc === null) return;
    this.parts.tracking.markWritten(doc.key);
    await doc.incrementalRemove();
  }

  async list(collection: string): Promise<LocalRecord[]> {
    const docs = await this.parts.collection.find({ selector: { coll: collection } }).exec();
    const pending = new Set(await this.pendingKeys());
    return docs
      .map((doc) => doc.toJSON() as RecordDoc)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((doc) => ({
        id: doc.id,
        collection: doc.coll,
        fields: doc.fields,
        status: pending.has(doc.key) ? 'pending' : 'synced',
        rev: this.shownRev(doc),
      }));
  }

  /** One sync run: ask RxDB to pull, then wait (bounded) until it is in sync. */
  async sync(): Promise<SyncRunResult> {
    const { env, replication, counts } = this.parts;
    const before = { ...counts };
    this.parts.resync();
    const timeout = env.clock.sleep(TIMING.syncWaitMsMax).then(() => 'timeout' as const);
    const outcome = await Promise.race([replication.awaitInSync().then(() => 'in-sync' as const), timeout]);
    const result: SyncRunResult = {
      pushed: counts.pushed - before.pushed,
      pulled: counts.pulled - before.pulled,
      pending: await this.pendingCount(),
    };
    if (outcome === 'timeout') result.error = 'not in sync yet';
    return result;
  }

  async pendingCount(): Promise<number> {
    return (await this.pendingKeys()).length;
  }

  /** RxDB has no conflict inbox: its conflict handler settles every conflict itself. */
  async conflicts(): Promise<Conflict[]> {
    return [];
  }

  async resolve(): Promise<void> {}

  /**
   * The server rev the document's state is based on: the pulled one, or a newer one a push
   * answer (or a 409) confirmed; a local edit keeps the base it was made on.
   */
  private shownRev(doc: RecordDoc): number | null {
    const rev = Math.max(doc.rev, this.parts.tracking.knownRev(doc.key));
    return rev === 0 ? null : rev;
  }

  /** Documents the app wrote whose content the server has not confirmed (deleted ones included). */
  private async pendingKeys(): Promise<string[]> {
    const keys = this.parts.tracking.writtenKeys();
    if (keys.length === 0) return [];
    const docs = await this.parts.collection.storageInstance.findDocumentsById(keys, true);
    const byKey = new Map(docs.map((doc) => [doc.key, doc as unknown as DeletableDoc]));
    return keys.filter((key) => !this.parts.tracking.settled(key, byKey.get(key)));
  }
}
