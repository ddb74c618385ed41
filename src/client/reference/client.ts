/**
 * @module client/reference/client
 * The reference `SyncClient`: the app API over the store, the run lock (one sync run at a
 * time per device; callers that arrive during a run share the one run queued after it),
 * and the wiring of automatic syncs. Runs the client starts itself report their own
 * failures into the log; a `DeviceKilled` simply ends them.
 */

import type { Subscription } from '../../server/subscription.ts';
import type {
  ClientEnv,
  Conflict,
  Fields,
  LocalRecord,
  PatchOp,
  Resolution,
  SyncClient,
  SyncRunResult,
} from '../contract.ts';
import { DeviceKilled } from '../contract.ts';
import { AutoSync, type SyncTrigger } from './autosync.ts';
import { resolveConflict, toConflict } from './conflicts.ts';
import { type ClientContext, log, logApp } from './context.ts';
import type { ReferenceHooks } from './hooks.ts';
import type { ResolvedOptions } from './options.ts';
import { syncRun } from './run.ts';
import { Store } from './store.ts';
import { changeSubscription } from './subscription.ts';
import { createLocal, deleteLocal, updateLocal } from './writes.ts';

/** Name of the SQLite database the reference client keeps under `env.storage`. */
export const DATABASE_NAME = 'reference';

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class ReferenceClient implements SyncClient {
  private running: Promise<SyncRunResult> | undefined;
  private queued: Promise<SyncRunResult> | undefined;
  private readonly auto: AutoSync;

  private constructor(private readonly ctx: ClientContext) {
    this.auto = new AutoSync(ctx.env, ctx.options, (trigger) => this.background(trigger));
  }

  static start(env: ClientEnv, options: ResolvedOptions, hooks: ReferenceHooks): ReferenceClient {
    const db = env.storage.open(DATABASE_NAME);
    const store = new Store(db);
    hooks.afterSchema(db);
    const state = { syncRunId: undefined, requests: 0, failures: 0, runs: 0 };
    const client = new ReferenceClient({ env, store, options, hooks, state });
    logApp(client.ctx, 'start', { incarnation: env.incarnation, pending: store.outboxSize() });
    client.auto.start();
    return client;
  }

  async create(collection: string, fields: Fields): Promise<string> {
    const id = createLocal(this.ctx, collection, fields);
    this.auto.afterWrite();
    return id;
  }

  async update(collection: string, id: string, patch: PatchOp[]): Promise<void> {
    updateLocal(this.ctx, collection, id, patch);
    this.auto.afterWrite();
  }

  async delete(collection: string, id: string): Promise<void> {
    deleteLocal(this.ctx, collection, id);
    this.auto.afterWrite();
  }

  async list(collection: string): Promise<LocalRecord[]> {
    return this.ctx.store.shownRecords(collection);
  }

  async pendingCount(): Promise<number> {
    return this.ctx.store.outboxSize();
  }

  async conflicts(): Promise<Conflict[]> {
    return this.ctx.store.allConflicts().map(toConflict);
  }

  async resolve(conflictId: string, resolution: Resolution): Promise<void> {
    const row = this.ctx.store.conflict(conflictId);
    if (row === undefined) {
      logApp(this.ctx, 'resolve-ignored', { conflictId, reason: 'unknown-conflict' });
      return;
    }
    if (resolution.choice === 'merged') {
      const isObject =
        typeof resolution.value === 'object' && resolution.value !== null && !Array.isArray(resolution.value);
      if (isObject !== (row.field === null)) {
        throw new TypeError(
          `[syncstorm] resolve(${conflictId}): a merged value must be ${row.field === null ? 'a record' : 'a field value'}`,
        );
      }
    }
    this.ctx.store.transaction(() => resolveConflict(this.ctx, row, resolution));
    this.auto.afterWrite();
  }

  sync(): Promise<SyncRunResult> {
    return this.requestRun('user');
  }

  /** Changes what the device syncs (subscription.ts); a sync run follows, as after a write. */
  async subscribe(subscription: Subscription | null): Promise<void> {
    changeSubscription(this.ctx, subscription);
    this.auto.afterWrite();
  }

  /** Runs started by the client itself: a failure is reported, never thrown at nobody. */
  private background(trigger: SyncTrigger): void {
    this.requestRun(trigger).catch((error: unknown) => {
      if (error instanceof DeviceKilled) return;
      log(this.ctx, 'internal-error', { trigger, error: describe(error) });
      this.ctx.env.reportError(error);
    });
  }

  private requestRun(trigger: SyncTrigger): Promise<SyncRunResult> {
    if (this.queued !== undefined) return this.queued;
    if (this.running === undefined) return this.runExclusive(trigger);
    const next = () => {
      this.queued = undefined;
      return this.runExclusive(trigger);
    };
    // A run cut short by a kill ends the instance: the queued run must not start on closed storage.
    this.queued = this.running.then(next, (error: unknown) =>
      error instanceof DeviceKilled ? Promise.reject(error) : next(),
    );
    return this.queued;
  }

  private runExclusive(trigger: SyncTrigger): Promise<SyncRunResult> {
    const run = syncRun(this.ctx, this.auto, trigger);
    this.running = run;
    const release = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(release, release);
    return run;
  }
}
