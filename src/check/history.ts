/**
 * @module check/history
 * The history the checkers judge: the typed vocabulary of the trace events they read, and
 * `buildHistory`, which validates those events and indexes them per device, per record and
 * per op. Every other event type (client.*, net.deliver, server.changes, ...) is kept in
 * `events` and otherwise ignored.
 *
 * Producers: src/sim records user.*, device.* and sim.*; src/server records server.*;
 * src/net records net.*. docs/invariants.md says which checker reads which field.
 * A malformed event is a programmer error: `buildHistory` throws an AssertionError that
 * names the event's seq, type and field.
 */
import type { ClientCapabilities, Conflict, LocalRecord, MergePolicy, Resolution } from '../client/contract.ts';
import type { TraceEvent } from '../kernel/trace.ts';
import type { Fields, OpKind, PatchOp, ServerRecord } from '../server/protocol.ts';
import type { Subscription } from '../server/subscription.ts';
import { type History, indexHistory } from './history-index.ts';
import { parseEvent } from './parse-event.ts';

export type { DeviceHistory, History, OpHistory, RecordHistory } from './history-index.ts';
export { SERVER_DEVICE } from './values.ts';

interface EventBase {
  /** The trace seq of the event (a witness in violations). */
  seq: number;
  /** Virtual ms since the start of the run (global time, never skewed). */
  t: number;
}

/** The app API calls that write. */
export type UserAction = 'create' | 'update' | 'delete' | 'resolve';

/**
 * `user.create`: `create(collection, fields)` resolved with `id`; recorded right after it
 * resolved (the write is locally committed). `incarnation` is the device's incarnation.
 * String values and set elements in `fields` are unique in the run.
 */
export interface UserCreate extends EventBase {
  type: 'user.create';
  device: string;
  incarnation: number;
  collection: string;
  id: string;
  fields: Fields;
}

/**
 * `user.update`: `update(collection, id, patch)` resolved; recorded right after. `seen` is
 * the record as `list(collection)` showed it just before the call (null if not listed).
 */
export interface UserUpdate extends EventBase {
  type: 'user.update';
  device: string;
  collection: string;
  id: string;
  patch: PatchOp[];
  seen: LocalRecord | null;
}

/** `user.delete`: `delete(collection, id)` resolved; recorded right after. `seen` as for update. */
export interface UserDelete extends EventBase {
  type: 'user.delete';
  device: string;
  collection: string;
  id: string;
  seen: LocalRecord | null;
}

/**
 * `user.resolve`: `resolve(conflict.id, resolution)` resolved; recorded right after.
 * `conflict` is the Conflict as `conflicts()` returned it just before. A `merged` value's
 * new strings are unique in the run, like every written value.
 */
export interface UserResolve extends EventBase {
  type: 'user.resolve';
  device: string;
  conflict: Conflict;
  resolution: Resolution;
}

/**
 * `user.call`: an app API call is about to start (`action` is the method: 'create', 'update',
 * 'delete', 'resolve', 'sync', ...). Optional; polite-retries reads `sync` calls: a request
 * repeated right after the user pulled to refresh is the user's doing, not an impolite retry.
 */
export interface UserCall extends EventBase {
  type: 'user.call';
  device: string;
  action: string;
}

/**
 * `user.error`: the app API call `action` ('create', 'update', 'delete', 'resolve', 'sync',
 * ...) threw (not a kill); a write did not commit. `hung`: the call never settled within the
 * simulator's bound (a liveness violation; a hung write should be recorded as
 * user.interrupted as well, since it may have committed).
 */
export interface UserError extends EventBase {
  type: 'user.error';
  device: string;
  action: string;
  message: string;
  hung?: boolean;
  collection?: string;
  id?: string;
}

/**
 * `user.interrupted`: a write call did not settle normally: the device was killed while it
 * ran (a crash point inside it, or a random kill before it resolved), or it hung (record
 * user.error with `hung: true` too). The write may or may not have committed. Record it
 * instead of user.create/update/delete/resolve, when the call is given up, with what the
 * call was given: `collection` and `fields` for create (no id is known), `collection`, `id`
 * and `patch` for update, `collection` and `id` for delete, `conflict` and `resolution` for
 * resolve. Its values are never counted as lost nor as unexplained, and its increments
 * widen the bounds of the counter check. Without it, a write that committed before a kill
 * looks like a value from nowhere (and an increment like a duplicate).
 */
export interface UserInterrupted extends EventBase {
  type: 'user.interrupted';
  device: string;
  action: UserAction;
  collection?: string;
  id?: string;
  fields?: Fields;
  patch?: PatchOp[];
  conflict?: Conflict;
  resolution?: Resolution;
}

/** A write the user committed. */
export type UserWrite = UserCreate | UserUpdate | UserDelete | UserResolve;

/**
 * Why a view was taken: `step` (sampled during the run), `before-kill` (just before a kill at
 * a random moment, with no client progress in between), `after-restart` (just after `start`
 * resolved on a restart, before any other event of the device), `final` (after heal),
 * `sync-end` (just after the client logged the end of a sync run, chaos phase only) and
 * `sample` (at a moment drawn from the seed, chaos phase only); see sim/view-sampler.
 */
export type ViewReason = 'step' | 'before-kill' | 'after-restart' | 'final' | 'sync-end' | 'sample';

/**
 * `device.view`: what the app shows. `records` is `list(c)` for every collection the client
 * syncs, concatenated; `pending` is `pendingCount()`; `conflicts` is `conflicts()`.
 */
export interface DeviceView extends EventBase {
  type: 'device.view';
  device: string;
  reason: ViewReason;
  records: LocalRecord[];
  pending: number;
  conflicts: Conflict[];
  /** Set by buildHistory on the view it derives from sim.final (no such trace event). */
  synthesized?: true;
}

/**
 * `device.kill`: the simulator killed incarnation `incarnation` of the device. `point` is
 * 'random' or the crash point's name. Recorded at the moment of the kill.
 */
export interface DeviceKill extends EventBase {
  type: 'device.kill';
  device: string;
  incarnation: number;
  point: string;
}

/** `device.restart`: `start(env)` resolved for the new incarnation `incarnation`. */
export interface DeviceRestart extends EventBase {
  type: 'device.restart';
  device: string;
  incarnation: number;
}

/**
 * `device.error`: the client threw where it must not (sync(), start(), a timer) or hung.
 * `device` may be missing when the error could not be traced to a device.
 */
export interface DeviceError extends EventBase {
  type: 'device.error';
  device?: string;
  message: string;
}

export type SimPhaseName = 'chaos' | 'heal' | 'check';

/** `sim.phase`: a phase begins. */
export interface SimPhase extends EventBase {
  type: 'sim.phase';
  phase: SimPhaseName;
}

/**
 * `sim.step`: the simulator carries out a world step on a device (`do`: 'online', 'offline',
 * 'foreground', 'partition', 'repair', 'kill', 'restart', 'skew', ...). Optional;
 * polite-retries reads it: a request right after the device came back is not a retry storm.
 */
export interface SimStep extends EventBase {
  type: 'sim.step';
  device?: string;
  do: string;
}

/**
 * `sim.heal`: one per device at the end of heal. `drained`: pending reached 0 within the
 * bound; `nudged`: the simulator had to call `sync()`; `rounds`: sync rounds used.
 */
export interface SimHeal extends EventBase {
  type: 'sim.heal';
  device: string;
  drained: boolean;
  nudged: boolean;
  rounds: number;
}

/** One device at the end of the run. */
export interface FinalDeviceState {
  records: LocalRecord[];
  conflicts: Conflict[];
  pending: number;
}

/**
 * `sim.final`: once, after heal. `server` is every server record, tombstones included;
 * `devices` has one entry per device; `policy` is the client's declared merge policy;
 * `capabilities` what the client declared it has (absent: everything); `subscriptions` what
 * each device that subscribed syncs at the end.
 */
export interface SimFinal extends EventBase {
  type: 'sim.final';
  policy: MergePolicy;
  capabilities?: ClientCapabilities;
  server: ServerRecord[];
  /** Keyed by device id (a Map: ids are user-given, `__proto__` included). */
  devices: ReadonlyMap<string, FinalDeviceState>;
  /**
   * The subscription each device that subscribed ended with (null: everything), keyed by
   * device id (its instances share it); empty when no device subscribed. Recorded only then.
   */
  subscriptions: ReadonlyMap<string, Subscription | null>;
}

/**
 * `server.apply`: the server applied op `opId` sent by `device` ('server' with opId 'auto-<n>'
 * for automation). `fields` is the record's full field set after the op (the last fields of
 * a tombstone); `revBefore` is null or 0 when the record did not exist.
 */
export interface ServerApply extends EventBase {
  type: 'server.apply';
  device: string;
  opId: string;
  collection: string;
  id: string;
  kind: OpKind;
  revBefore: number | null;
  revAfter: number;
  deleted: boolean;
  fields: Fields;
}

/** `server.replay`: a repeated Idempotency-Key; the stored answer was sent again. */
export interface ServerReplay extends EventBase {
  type: 'server.replay';
  device: string;
  opId: string;
  collection: string;
  id: string;
}

/** `server.reject`: the server refused a request (409, 412, 422, 429, 5xx, ...). */
export interface ServerReject extends EventBase {
  type: 'server.reject';
  device: string;
  opId?: string;
  status: number;
  reason: string;
  /** The refused op's record (a refusal of one op the server had read). */
  collection?: string;
  id?: string;
}

/** `net.send`: the device called fetch. `key` is the Idempotency-Key header, if any. */
export interface NetSend extends EventBase {
  type: 'net.send';
  device: string;
  requestId: string | number;
  method: string;
  path: string;
  /** The query string, without `?`, when the URL had one. */
  query?: string;
  key?: string;
}

/** `net.receive`: a response reached the device. */
export interface NetReceive extends EventBase {
  type: 'net.receive';
  device: string;
  requestId: string | number;
  status: number;
  retryAfterMs?: number;
}

/** `net.fail`: the device's fetch rejected (connection reset, offline, ...). */
export interface NetFail extends EventBase {
  type: 'net.fail';
  device: string;
  requestId: string | number;
  code: string;
}

/** `net.abort`: the device aborted its own request (its timeout). */
export interface NetAbort extends EventBase {
  type: 'net.abort';
  device: string;
  requestId: string | number;
}

/** Every event the checkers read. */
export type CheckedEvent =
  | UserWrite
  | UserCall
  | UserError
  | UserInterrupted
  | DeviceView
  | DeviceKill
  | DeviceRestart
  | DeviceError
  | SimPhase
  | SimStep
  | SimHeal
  | SimFinal
  | ServerApply
  | ServerReplay
  | ServerReject
  | NetSend
  | NetReceive
  | NetFail
  | NetAbort;

/** Validates the checked events of a trace and indexes them. Throws on a malformed event. */
export function buildHistory(events: readonly TraceEvent[]): History {
  const checked: CheckedEvent[] = [];
  for (const event of events) {
    const parsed = parseEvent(event);
    if (parsed !== undefined) checked.push(parsed);
  }
  return indexHistory(events, checked);
}
