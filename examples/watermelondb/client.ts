/**
 * @module examples/watermelondb/client
 * The syncstorm app API over a WatermelonDB database, and when it syncs: `synchronize()`
 * has no scheduler and no retry of its own, so the adapter runs it shortly after local
 * writes, when the app comes back online or to the foreground, every 30 s, after a failed
 * run with a growing, jittered backoff, and on `sync()`. One run at a time (WatermelonDB
 * refuses concurrent synchronizations).
 */
import { type Database, type Model, Q } from '@nozbe/watermelondb';
import { synchronize } from '@nozbe/watermelondb/sync/index.js';
import {
  type Conflict,
  type Fields,
  type LocalRecord,
  type PatchOp,
  patchedFields,
  type SyncClient,
  type SyncRunResult,
} from '../../src/index.ts';
import { columnsOfFields, fieldsOfRaw, type Raw } from './schema.ts';
import { pullChanges, pushChanges, SyncFailed, type SyncParts } from './sync.ts';

export const TIMING = { debounceMs: 250, tickMs: 30_000, backoffBaseMs: 1_000, backoffCapMs: 60_000 };

const isKill = (error: unknown) => error instanceof Error && error.name === 'DeviceKilled';

export class WatermelonClient implements SyncClient {
  private running: Promise<SyncRunResult> | undefined;
  private soonTimer: number | undefined;
  private failures = 0;
  private backingOff = false;

  constructor(private readonly parts: SyncParts) {}

  private get database(): Database {
    return this.parts.database;
  }

  start(): void {
    const { env } = this.parts;
    const reconnected = () => this.soon(0);
    env.surroundings.on('online', reconnected);
    env.surroundings.on('foreground', reconnected);
    const tick = () =>
      env.clock.setTimeout(() => {
        tick();
        if (env.surroundings.foreground) this.background();
      }, TIMING.tickMs);
    tick();
    this.soon(0);
  }

  async create(collection: string, fields: Fields): Promise<string> {
    const id = this.parts.env.uuid();
    const columns = columnsOfFields(fields);
    await this.database.write(async () => {
      await this.database.get(collection).create((record) => {
        const raw = record._raw as unknown as Raw;
        raw.id = id;
        for (const [column, value] of Object.entries(columns)) record._setRaw(column, value ?? null);
        record._setRaw('rev', 0);
      });
    });
    this.soon(TIMING.debounceMs);
    return id;
  }

  async update(collection: string, id: string, patch: PatchOp[]): Promise<void> {
    const record = await this.find(collection, id);
    if (record === undefined) return;
    const raw = record._raw as unknown as Raw;
    const next = columnsOfFields(patchedFields(fieldsOfRaw(raw), patch));
    await this.database.write(async () => {
      await record.update((draft) => {
        // Only the columns that change, so WatermelonDB's per-column merge keeps the others open to the server.
        for (const [column, value] of Object.entries(next))
          if ((raw[column] ?? null) !== value) draft._setRaw(column, value ?? null);
      });
    });
    this.soon(TIMING.debounceMs);
  }

  async delete(collection: string, id: string): Promise<void> {
    const record = await this.find(collection, id);
    if (record === undefined) return;
    await this.database.write(() => record.markAsDeleted());
    this.soon(TIMING.debounceMs);
  }

  async list(collection: string): Promise<LocalRecord[]> {
    const records = await this.database.get(collection).query().fetch();
    return records
      .map((record) => record._raw as unknown as Raw)
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1))
      .map((raw) => ({
        id: String(raw.id),
        collection,
        fields: fieldsOfRaw(raw),
        status: raw._status === 'synced' ? 'synced' : 'pending',
        rev: Number(raw.rev ?? 0) === 0 ? null : Number(raw.rev),
      }));
  }

  async pendingCount(): Promise<number> {
    let pending = 0;
    for (const table of ['notes', 'tasks']) {
      const changed = await this.database
        .get(table)
        .query(Q.where('_status', Q.notEq('synced')))
        .fetchCount();
      const deleted = await this.database.adapter.getDeletedRecords(table);
      pending += changed + deleted.length;
    }
    return pending;
  }

  /** WatermelonDB has no conflict inbox: `synchronize()` resolves conflicts per column itself. */
  async conflicts(): Promise<Conflict[]> {
    return [];
  }

  async resolve(): Promise<void> {}

  sync(): Promise<SyncRunResult> {
    return this.run();
  }

  private async find(collection: string, id: string): Promise<Model | undefined> {
    const found = await this.database.get(collection).query(Q.where('id', id)).fetch();
    return found[0];
  }

  private soon(delayMs: number): void {
    const { clock } = this.parts.env;
    clock.clearTimeout(this.soonTimer);
    this.soonTimer = clock.setTimeout(() => this.background(), delayMs);
  }

  private background(): void {
    if (!this.parts.env.surroundings.online) return;
    this.run().catch((error: unknown) => {
      if (!isKill(error)) this.parts.env.reportError(error);
    });
  }

  /** One synchronize() at a time; a run asked for during another one gets that one's result. */
  private run(): Promise<SyncRunResult> {
    if (this.running !== undefined) return this.running;
    const run = this.synchronizeOnce().finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async synchronizeOnce(): Promise<SyncRunResult> {
    const { env, counts } = this.parts;
    // Whoever asks (a write, the timer, the user), nobody goes before the wait is over.
    if (this.backingOff) return { pushed: 0, pulled: 0, pending: await this.pendingCount(), error: 'backoff' };
    const before = { ...counts };
    let error: string | undefined;
    try {
      await synchronize({
        database: this.database,
        pullChanges: (args) => pullChanges(this.parts, args),
        pushChanges: async (args) => {
          await pushChanges(this.parts, args);
        },
      });
      this.failures = 0;
    } catch (caught) {
      if (isKill(caught)) throw caught;
      error = caught instanceof Error ? caught.message : String(caught);
      this.backOff(caught instanceof SyncFailed ? caught.waitMs : undefined);
    }
    const result: SyncRunResult = {
      pushed: counts.pushed - before.pushed,
      pulled: counts.pulled - before.pulled,
      pending: await this.pendingCount(),
    };
    if (error !== undefined) result.error = error;
    env.log({ type: 'sync-end', result: error ?? 'ok', pending: result.pending });
    return result;
  }

  /** After a failed run: the server's Retry-After, or capped exponential backoff with jitter; then a new run. */
  private backOff(serverWaitMs: number | undefined): void {
    const { env } = this.parts;
    this.failures++;
    const nominalMs = Math.min(TIMING.backoffCapMs, TIMING.backoffBaseMs * 2 ** Math.min(this.failures - 1, 16));
    const delayMs =
      serverWaitMs !== undefined
        ? Math.ceil(serverWaitMs * (1 + 0.1 * env.random()))
        : Math.ceil(nominalMs / 2 + (nominalMs / 2) * env.random());
    this.backingOff = true;
    env.clock.setTimeout(() => {
      this.backingOff = false;
      this.background();
    }, delayMs);
  }
}
