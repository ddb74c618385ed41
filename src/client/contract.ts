/**
 * @module client/contract
 * The adapter contract: what a team implements to put its sync engine under syncstorm.
 *
 * A client is a factory, `start(env)`, that returns a running `SyncClient`. The simulator
 * calls `start` once per device, and again after every kill with the same storage: the new
 * instance must pick up from what storage holds. Everything that touches the outside world
 * goes through `env` (network, time, randomness, ids, storage), which is what keeps a run
 * deterministic. The client decides itself when to sync (after writes, on reconnect, on a
 * timer); the simulator calls `sync()` only where a user would pull to refresh.
 *
 * @example
 * ```ts
 * import type { ClientFactory } from 'syncstorm';
 * export const myClient: ClientFactory = {
 *   name: 'my-client',
 *   policy: { default: 'manual', fields: { title: 'lww' } },
 *   async start(env) {
 *     const db = env.storage.open('app');
 *     db.exec('CREATE TABLE IF NOT EXISTS outbox (op_id TEXT PRIMARY KEY, body TEXT)');
 *     return new MyClient(env, db); // implements SyncClient
 *   },
 * };
 * ```
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../kernel/clock.ts';
import type { Fields, FieldValue, PatchOp } from '../server/protocol.ts';
import type { Subscription } from '../server/subscription.ts';

export type { Fields, FieldValue, PatchOp, Scalar } from '../server/protocol.ts';
export type { Subscription, SubscriptionRule } from '../server/subscription.ts';

/**
 * How the client merges a field when the server holds a concurrent change to it.
 * - `manual`: a three-way merge; the same field changed on both sides becomes a conflict
 *   the user resolves (nothing is lost silently);
 * - `lww`: last writer wins; the loser's write is a declared, acceptable loss;
 * - `set-union`: concurrent adds and removes of a set field both survive;
 * - `counter`: concurrent increments add up;
 * - `server-wins`: when the client meets a server state of the record it had not seen (its
 *   push is refused as stale, or a pull brings a concurrent change), it keeps the server's
 *   record and drops its own unsynced write. Judged per record, because engines resolve a
 *   whole document at once: a write to `title` lost to a concurrent change of `done` (or to
 *   a concurrent delete) is declared. A write dropped with no such concurrent change (a
 *   spurious 409, for instance) is still a loss. RxDB's default conflict handler works so.
 */
export type FieldPolicy = 'manual' | 'lww' | 'set-union' | 'counter' | 'server-wins';

/**
 * How an edit meets a concurrent delete of its record (one rule per client, not per field:
 * a delete removes the whole record).
 * - `delete-wins`: the delete wins; local edits the deleter had not seen are destroyed (a
 *   declared loss), and a delete is never undone by a concurrent edit. WatermelonDB's
 *   `applyRemote` works so for records the server reports deleted.
 */
export type DeletePolicy = 'delete-wins';

/**
 * The merge policy a client declares, so that the checkers know which losses it accepts.
 * Field policies say how concurrent edits of a field merge; `deletes` says how an edit meets
 * a concurrent delete (absent: as the field policies say, e.g. `lww` lets the later one win,
 * `manual` surfaces a conflict or keeps the record).
 */
export interface MergePolicy {
  /** Policy of every field not listed in `fields`. */
  default: FieldPolicy;
  fields?: Record<string, FieldPolicy>;
  deletes?: DeletePolicy;
}

/**
 * What parts of the app API a client really has. Both default to true; a client that lacks
 * one says so, and then the checkers judge only what it has: nothing is expected from its
 * `conflicts()` or its records' `status`, and the simulator does not call `conflicts()` or
 * `resolve()` on it. Engines whose conflict handler runs inside the sync (RxDB, WatermelonDB)
 * have no conflict inbox and no per-record status.
 */
export interface ClientCapabilities {
  /**
   * `conflicts()` lists the conflicts the user has to resolve and `resolve()` settles them.
   * When false, `conflicts()` should return [] and is not called; `resolve()` is never called.
   */
  conflictInbox?: boolean;
  /**
   * `list()` gives each record its real status (pending until the server took its writes).
   * When false, `status` is ignored: durability does not read "synced" as "the server has it".
   */
  recordStatus?: boolean;
  /**
   * Several instances of the app may run on this device's storage at once (browser tabs, a
   * share extension beside the app, a background isolate beside the UI). Default false: the
   * simulator never gives such a client a second instance. When true, each instance gets its
   * own `start(env)` with the same `env.storage` (the same SQLite databases, no shared
   * memory) and `env.locks` to elect one of them for work that must not run twice at once
   * (docs/adapter-guide.md, "Several instances on one device").
   */
  instances?: boolean;
  /**
   * `subscribe(subscription)` changes what the device syncs (partial sync: a filter over
   * collections and a field, docs/protocol.md "Subscriptions"). Default false: the simulator
   * never calls `subscribe` and draws no subscription for such a client, so every device of
   * it is judged against the whole data set, as always.
   */
  subscriptions?: boolean;
}

/** SQLite databases that survive kills. A kill closes every handle (open transactions roll back). */
export interface ClientStorage {
  /** Opens (or creates) the database `name` of this device. Same name ⇒ same file across restarts. */
  open(name: string): Database.Database;
  /** A folder of this device's that survives kills, for clients that keep other files. */
  readonly directory: string;
}

export type SurroundingsEvent = 'online' | 'offline' | 'foreground' | 'background';

/**
 * The app's surroundings as the OS reports them. `online` may lie: the OS can say online
 * while the server is unreachable (a captive portal, a partition).
 */
export interface Surroundings {
  readonly online: boolean;
  readonly foreground: boolean;
  /** Subscribes; returns an unsubscribe function. */
  on(event: SurroundingsEvent, listener: () => void): () => void;
}

/**
 * A structured event for the trace; `type` becomes `client.<type>`. Log `{ type: 'sync-end' }`
 * when a sync run ends: the simulator then reads the device's view (docs/invariants.md).
 */
export interface ClientLogEvent {
  type: string;
  syncRunId?: string;
  outboxItemId?: string;
  result?: string;
  [field: string]: unknown;
}

/**
 * Locks shared by the instances of one device, as the Web Locks API (`navigator.locks`) or an
 * OS file lock gives them: held by one instance at a time, and released when the instance
 * that holds one dies (killed or closed), so a dead instance never blocks the others.
 */
export interface InstanceLocks {
  /** Takes `name` if no other live instance of this device holds it; true if this instance holds it now. */
  tryAcquire(name: string): boolean;
  /** Releases `name` if this instance holds it (otherwise does nothing). */
  release(name: string): void;
}

export interface ClientEnv {
  readonly deviceId: string;
  /**
   * Which instance of the app on this device this is: 1 for the app itself, 2, 3 ... for
   * further instances opened beside it (only for clients with `capabilities.instances`).
   * Absent means 1.
   */
  readonly instance?: number;
  /** Locks shared with the device's other instances (absent: the client is alone on its storage). */
  readonly locks?: InstanceLocks;
  /** 0 on first start, +1 on every restart after a kill. */
  readonly incarnation: number;
  /** The server's base URL; requests go through `fetch`. */
  readonly baseUrl: string;
  /** A standard fetch routed through the simulated network (errors look like Node's). */
  readonly fetch: typeof fetch;
  /** Virtual time, possibly skewed for this device. */
  readonly clock: Clock;
  /** Seeded randomness in [0, 1). */
  readonly random: () => number;
  /** A deterministic UUID v4. */
  readonly uuid: () => string;
  readonly storage: ClientStorage;
  readonly log: (event: ClientLogEvent) => void;
  /**
   * Reports an error the client caught where nobody awaits it (a background sync, a timer)
   * and could not handle: a bug, not an operating error. Recorded as `device.error`.
   */
  readonly reportError: (error: unknown) => void;
  /**
   * Named points where the simulator may kill the device (e.g. 'after-push-before-commit').
   * When it chooses to, the call throws a `DeviceKilled` error and every handle is closed;
   * let it propagate. Otherwise it returns and costs nothing.
   */
  readonly crashPoint: (name: string) => void;
  /**
   * Where `crashPoint` would kill this incarnation now: a point's name, '*' (any), or
   * undefined (none: every `crashPoint` call returns). Only for adapters that pay for each
   * `crashPoint` call (the process adapter tells its child, which then asks only at an
   * armed point); a client just calls `crashPoint`. Absent outside the simulator.
   */
  readonly armedCrashPoint?: () => string | undefined;
  readonly surroundings: Surroundings;
  /**
   * Aborted when the simulator kills this incarnation (and at the end of a run), after every
   * handle opened through `storage` is closed: an abort handler cannot write to the dead
   * incarnation's databases (a write throws "The database connection is not open"), so it
   * cannot hide a loss. In-process clients rarely need it: their timers, responses and
   * storage handles die with them. An adapter that owns OS resources (a child process, a
   * socket) releases them here.
   */
  readonly signal?: AbortSignal;
}

export type RecordStatus = 'synced' | 'pending' | 'error' | 'needs-review';

/** A record as the app shows it. */
export interface LocalRecord {
  id: string;
  collection: string;
  fields: Fields;
  status: RecordStatus;
  /** The server rev this local state is based on; null if never synced. */
  rev: number | null;
}

/** A concurrent change the client could not merge on its own. */
export interface Conflict {
  /** Stable id of this conflict, to pass to `resolve`. */
  id: string;
  collection: string;
  recordId: string;
  /** The contested field; absent when the whole record is contested (edit vs delete). */
  field?: string;
  /** This device's value (a field value, or the whole record; null: deleted here). */
  local: FieldValue | Fields | null;
  /** The server's value (a field value, or the whole record; null: deleted there). */
  remote: FieldValue | Fields | null;
}

export type Resolution =
  | { choice: 'keep-local' }
  | { choice: 'keep-remote' }
  | { choice: 'merged'; value: FieldValue | Fields };

export interface SyncRunResult {
  pushed: number;
  pulled: number;
  /** Ops still waiting in the outbox after this run. */
  pending: number;
  /** Why the run stopped early, if it did (offline, backoff, ...). */
  error?: string;
}

/** The app API of one running client instance. All methods are local-first. */
export interface SyncClient {
  /** Creates a record locally; the client mints and returns its id. */
  create(collection: string, fields: Fields): Promise<string>;
  /**
   * Changes a record locally. A write to a record the device does not show (unknown, or
   * deleted meanwhile) is ignored, as an app would find it gone; it must not throw.
   */
  update(collection: string, id: string, patch: PatchOp[]): Promise<void>;
  /** Deletes a record locally (same rule as `update` for a record the device does not show). */
  delete(collection: string, id: string): Promise<void>;
  /** Every live record of the collection as the app would show it, with its status. */
  list(collection: string): Promise<LocalRecord[]>;
  /** One sync run (push, then pull). Never throws for network or server errors. */
  sync(): Promise<SyncRunResult>;
  pendingCount(): Promise<number>;
  conflicts(): Promise<Conflict[]>;
  resolve(conflictId: string, resolution: Resolution): Promise<void>;
  /**
   * Only for clients with `capabilities.subscriptions`: from now on the device syncs only the
   * records `subscription` takes (null: everything). Durable once it resolves (a restart keeps
   * it). A widened subscription must bring the records of the new part, however old; records
   * the new one excludes may leave the device, but a pending write to one still reaches the
   * server. The device is judged against the server's records in its subscription.
   */
  subscribe?(subscription: Subscription | null): Promise<void>;
}

/** What an adapter module exports. */
export interface ClientFactory {
  readonly name: string;
  readonly description?: string;
  /** Merge policy per field, so the checkers know which losses the client accepts. */
  readonly policy: MergePolicy;
  /** Collections the client syncs (the workload writes only these). */
  readonly collections?: readonly string[];
  /** Names the client passes to `env.crashPoint`, so the simulator can aim kills at them. */
  readonly crashPoints?: readonly string[];
  /**
   * How the simulator keeps `env.storage`: 'memory' (its default: in-memory SQLite saved
   * across kills, fast) or 'file' (SQLite files under `env.storage.directory`). A client
   * that keeps files of its own in that folder, such as a process client, needs 'file'.
   */
  readonly storage?: 'memory' | 'file';
  /** What the client has of the app API (absent: everything). See `ClientCapabilities`. */
  readonly capabilities?: ClientCapabilities;
  /**
   * false: the engine's own `setTimeout`, `Date.now()`, `Math.random()` ... stay real inside
   * the device (each use is reported as a leak). Default: they read the device's virtual
   * clock and seeded randomness (docs/virtual-time.md).
   */
  readonly virtualGlobals?: boolean;
  start(env: ClientEnv): Promise<SyncClient>;
}

/** One app call of a batched read (`READ_CALLS`). */
export interface ReadCall {
  method: 'list' | 'pendingCount' | 'conflicts';
  args: unknown[];
}

/**
 * An optional method of a SyncClient, keyed by this symbol, that an adapter may offer:
 * `(calls) => promises`, the same as calling each of `calls` in turn, each once the one
 * before it settled (the simulator reads a device's view so: sim/views.ts). The process
 * adapter offers it to carry such a read in one turn. Clients need not know about it.
 */
export const READ_CALLS = Symbol.for('syncstorm.readCalls');

/** Thrown by `env.crashPoint` when the simulator kills the device there. */
export class DeviceKilled extends Error {
  override name = 'DeviceKilled';
  constructor(
    readonly deviceId: string,
    readonly point: string,
  ) {
    super(`[syncstorm] device ${deviceId} killed at crash point '${point}'`);
  }
}

/** The policy of one field. */
export function fieldPolicy(policy: MergePolicy, field: string): FieldPolicy {
  return policy.fields?.[field] ?? policy.default;
}

/** The capabilities of a client, with their defaults filled in. */
export function capabilitiesOf(factory: Pick<ClientFactory, 'capabilities'>): Required<ClientCapabilities> {
  return {
    conflictInbox: factory.capabilities?.conflictInbox ?? true,
    recordStatus: factory.capabilities?.recordStatus ?? true,
    instances: factory.capabilities?.instances ?? false,
    subscriptions: factory.capabilities?.subscriptions ?? false,
  };
}
