/**
 * @module examples/memory-client/client
 * The app API (local-first: every write commits locally and returns at once) and when the
 * client syncs on its own: shortly after writes, when the OS says the device is online or
 * in the foreground again, every 30 s in the foreground, and after a failed run once its
 * backoff (or the server's Retry-After) is over. One run at a time; a run asked for during
 * another one runs once right after it.
 */
import type {
  ClientEnv,
  Conflict,
  Fields,
  LocalRecord,
  OpKind,
  PatchOp,
  Resolution,
  SyncClient,
  SyncRunResult,
} from 'syncstorm';
import { patchOfFields, shownRecord } from './patch.ts';
import type { pull } from './pull.ts';
import type { push } from './push.ts';
import type { RunContext, Stop } from './run-context.ts';
import { type MemoryStore, opKey, recordKey } from './store.ts';

/** The two halves of a run (a variant of the client may bring its own). */
export interface SyncSteps {
  push: typeof push;
  pull: typeof pull;
}

export const TIMING = {
  debounceMs: 250,
  tickMs: 30_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  requestsPerRunMax: 100,
};

const isKill = (error: unknown) => error instanceof Error && error.name === 'DeviceKilled';

export class MemoryClient implements SyncClient {
  private running: Promise<SyncRunResult> | undefined;
  private queued: Promise<SyncRunResult> | undefined;
  private soonTimer: number | undefined;
  private retryTimer: number | undefined;
  /** Set while a retry timer runs: why the client is waiting (the server asked, or backoff). */
  private waiting: 'server' | 'backoff' | undefined;
  private failures = 0;

  constructor(
    private readonly env: ClientEnv,
    private readonly store: MemoryStore,
    private readonly steps: SyncSteps,
  ) {}

  /** Listens to the OS and starts the timers (the simulator drops both when it kills the app). */
  start(): void {
    // Back online after network failures: no need to sit out the backoff.
    const reconnected = () => {
      if (this.waiting === 'backoff') this.stopWaiting();
      this.soon(0);
    };
    this.env.surroundings.on('online', reconnected);
    this.env.surroundings.on('foreground', reconnected);
    this.tick();
    this.soon(0);
  }

  async create(collection: string, fields: Fields): Promise<string> {
    const id = this.env.uuid();
    this.enqueue(collection, id, 'create', patchOfFields(fields));
    return id;
  }

  async update(collection: string, id: string, patch: PatchOp[]): Promise<void> {
    if (this.shown(collection, id)) this.enqueue(collection, id, 'update', patch);
  }

  async delete(collection: string, id: string): Promise<void> {
    if (this.shown(collection, id)) this.enqueue(collection, id, 'delete', []);
  }

  async list(collection: string): Promise<LocalRecord[]> {
    const ids = new Set<string>();
    for (const base of this.store.bases.values()) if (base.collection === collection) ids.add(base.id);
    for (const op of this.store.ops.values()) if (op.collection === collection) ids.add(op.id);
    const records: LocalRecord[] = [];
    for (const id of ids) {
      const ops = this.store.opsOf(collection, id);
      const base = this.store.bases.get(recordKey(collection, id));
      const shown = shownRecord(base, ops);
      if (!shown.live) continue;
      records.push({
        id,
        collection,
        fields: shown.fields,
        status: ops.length > 0 ? 'pending' : 'synced',
        rev: base?.rev ?? null,
      });
    }
    return records;
  }

  async pendingCount(): Promise<number> {
    return this.store.ops.size;
  }

  async conflicts(): Promise<Conflict[]> {
    return [...this.store.conflicts.values()].map((c) => ({
      id: c.id,
      collection: c.collection,
      recordId: c.recordId,
      local: c.local,
      remote: null,
    }));
  }

  /** keep-remote: the record stays deleted; keep-local or merged: it is restored with those fields. */
  async resolve(conflictId: string, resolution: Resolution): Promise<void> {
    const conflict = this.store.conflicts.get(conflictId);
    if (conflict === undefined) return;
    const fields = resolution.choice === 'merged' ? (resolution.value as Fields) : conflict.local;
    const restore =
      resolution.choice === 'keep-remote'
        ? []
        : this.opChanges(conflict.collection, conflict.recordId, 'create', patchOfFields(fields));
    this.store.commit([{ kind: 'conflict', key: conflictId }, ...restore]);
    this.soon(TIMING.debounceMs);
  }

  /** A pull to refresh; while waiting out a failure it changes nothing (the retry timer will run). */
  sync(): Promise<SyncRunResult> {
    return this.request();
  }

  private shown(collection: string, id: string): boolean {
    return shownRecord(this.store.bases.get(recordKey(collection, id)), this.store.opsOf(collection, id)).live;
  }

  private opChanges(collection: string, id: string, kind: OpKind, patch: PatchOp[]) {
    const seq = this.store.nextSeq();
    const op = { seq, opId: this.env.uuid(), collection, id, kind, patch };
    return [
      { kind: 'op' as const, key: opKey(seq), value: op },
      { kind: 'meta' as const, key: 'seq', value: String(seq) },
    ];
  }

  /** A local write: the op joins the outbox in the same transaction that makes it visible. */
  private enqueue(collection: string, id: string, kind: OpKind, patch: PatchOp[]): void {
    this.store.commit(this.opChanges(collection, id, kind, patch));
    this.soon(TIMING.debounceMs);
  }

  private soon(delayMs: number): void {
    this.env.clock.clearTimeout(this.soonTimer);
    this.soonTimer = this.env.clock.setTimeout(() => this.background(), delayMs);
  }

  private tick(): void {
    this.env.clock.setTimeout(() => {
      this.tick();
      if (this.env.surroundings.foreground) this.background();
    }, TIMING.tickMs);
  }

  /** A run the client starts itself: nobody awaits it, so a failure that is not a kill is reported. */
  private background(): void {
    if (!this.env.surroundings.online) return;
    this.request().catch((error: unknown) => {
      if (!isKill(error)) this.env.reportError(error);
    });
  }

  private request(): Promise<SyncRunResult> {
    if (this.queued !== undefined) return this.queued;
    if (this.running === undefined) return this.runNow();
    const next = () => {
      this.queued = undefined;
      return this.runNow();
    };
    // A run cut short by a kill ends this instance: nothing may run after it.
    this.queued = this.running.then(next, (error: unknown) => (isKill(error) ? Promise.reject(error) : next()));
    return this.queued;
  }

  private runNow(): Promise<SyncRunResult> {
    const run = this.run();
    this.running = run;
    const release = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(release, release);
    return run;
  }

  private async run(): Promise<SyncRunResult> {
    // Whoever asks (a write, the timer, the user, a queued run), nobody goes before the wait is over.
    if (this.waiting !== undefined) return { pushed: 0, pulled: 0, pending: this.store.ops.size, error: 'backoff' };
    const ctx: RunContext = { env: this.env, store: this.store, requests: 0, requestsMax: TIMING.requestsPerRunMax };
    this.env.log({ type: 'sync-start', pending: this.store.ops.size });
    const pushed = await this.steps.push(ctx);
    const pulled = pushed.stop === undefined ? await this.steps.pull(ctx) : { pulled: 0 };
    const stop = pushed.stop ?? pulled.stop;
    this.afterRun(stop);
    const pending = this.store.ops.size;
    this.env.log({ type: 'sync-end', result: stop?.reason ?? 'ok', pending });
    return { pushed: pushed.pushed, pulled: pulled.pulled, pending, ...(stop ? { error: stop.reason } : {}) };
  }

  /** Schedules the next attempt after a run that stopped early: Retry-After, or capped exponential backoff with jitter. */
  private afterRun(stop: Stop | undefined): void {
    this.stopWaiting();
    if (stop === undefined) {
      this.failures = 0;
      return;
    }
    if (stop.waitMs === 0) {
      this.soon(TIMING.debounceMs);
      return;
    }
    this.failures++;
    const nominalMs = Math.min(TIMING.backoffCapMs, TIMING.backoffBaseMs * 2 ** Math.min(this.failures - 1, 16));
    const delayMs =
      stop.waitMs !== undefined
        ? Math.ceil(stop.waitMs * (1 + 0.1 * this.env.random()))
        : Math.ceil(nominalMs / 2 + (nominalMs / 2) * this.env.random());
    this.waiting = stop.waitMs !== undefined ? 'server' : 'backoff';
    this.retryTimer = this.env.clock.setTimeout(() => {
      this.waiting = undefined;
      this.background();
    }, delayMs);
  }

  private stopWaiting(): void {
    this.env.clock.clearTimeout(this.retryTimer);
    this.waiting = undefined;
  }
}
