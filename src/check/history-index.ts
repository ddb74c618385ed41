/**
 * @module check/history-index
 * The History model (per-device, per-record and per-op indexes of the checked events) and
 * how it is built from validated events.
 */
import { assert } from '../kernel/assert.ts';
import type { TraceEvent } from '../kernel/trace.ts';
import type { ServerRecord } from '../server/protocol.ts';
import type {
  CheckedEvent,
  DeviceError,
  DeviceKill,
  DeviceRestart,
  DeviceView,
  NetAbort,
  NetFail,
  NetReceive,
  NetSend,
  ServerApply,
  ServerReject,
  ServerReplay,
  SimFinal,
  SimHeal,
  SimPhase,
  SimStep,
  UserCall,
  UserError,
  UserInterrupted,
  UserWrite,
} from './history.ts';
import { type RecordKey, recordKey, SERVER_DEVICE } from './values.ts';

/** One device's events, each list in trace order. */
export interface DeviceHistory {
  device: string;
  writes: UserWrite[];
  interrupted: UserInterrupted[];
  userErrors: UserError[];
  calls: UserCall[];
  /** sim.step events naming this device. */
  steps: SimStep[];
  /** device.view events, plus one synthesized from sim.final unless a 'final' view exists. */
  views: DeviceView[];
  kills: DeviceKill[];
  restarts: DeviceRestart[];
  errors: DeviceError[];
  heals: SimHeal[];
  /** server.apply / server.reject events whose `device` is this device. */
  applies: ServerApply[];
  rejects: ServerReject[];
  sends: NetSend[];
  receives: NetReceive[];
  fails: NetFail[];
  aborts: NetAbort[];
}

/** One record's events (by `collection/id`), each list in trace order. */
export interface RecordHistory {
  key: RecordKey;
  collection: string;
  id: string;
  /** User writes on the record (a resolve counts for its conflict's record). */
  writes: UserWrite[];
  interrupted: UserInterrupted[];
  applies: ServerApply[];
  replays: ServerReplay[];
  /** The record in sim.final.server, if any. */
  final: ServerRecord | undefined;
}

/** One op id's server events, in trace order. */
export interface OpHistory {
  opId: string;
  applies: ServerApply[];
  replays: ServerReplay[];
  rejects: ServerReject[];
}

export interface History {
  /** Every trace event, as given. */
  readonly events: readonly TraceEvent[];
  /** The checked events, in trace order. */
  readonly checked: readonly CheckedEvent[];
  /** Devices seen in user/device/sim/net events (never 'server'), sorted. */
  readonly devices: readonly string[];
  readonly writes: readonly UserWrite[];
  readonly applies: readonly ServerApply[];
  readonly rejects: readonly ServerReject[];
  readonly heals: readonly SimHeal[];
  /** device.error events without a device. */
  readonly strayErrors: readonly DeviceError[];
  readonly phases: readonly SimPhase[];
  readonly byDevice: ReadonlyMap<string, DeviceHistory>;
  readonly byRecord: ReadonlyMap<RecordKey, RecordHistory>;
  readonly byOp: ReadonlyMap<string, OpHistory>;
  /** The sim.final event, if the run got that far. */
  readonly final: SimFinal | undefined;
}

function emptyDevice(device: string): DeviceHistory {
  return {
    device,
    writes: [],
    interrupted: [],
    userErrors: [],
    calls: [],
    steps: [],
    views: [],
    kills: [],
    restarts: [],
    errors: [],
    heals: [],
    applies: [],
    rejects: [],
    sends: [],
    receives: [],
    fails: [],
    aborts: [],
  };
}

/** The record a user write is about (a resolve: its conflict's record). */
export function writeKey(write: UserWrite): RecordKey {
  if (write.type === 'user.resolve') return recordKey(write.conflict.collection, write.conflict.recordId);
  return recordKey(write.collection, write.id);
}

class Indexer {
  readonly byDevice = new Map<string, DeviceHistory>();
  readonly byRecord = new Map<RecordKey, RecordHistory>();
  readonly byOp = new Map<string, OpHistory>();
  readonly writes: UserWrite[] = [];
  readonly applies: ServerApply[] = [];
  readonly rejects: ServerReject[] = [];
  readonly heals: SimHeal[] = [];
  readonly phases: SimPhase[] = [];
  readonly strayErrors: DeviceError[] = [];
  final: SimFinal | undefined;

  device(name: string): DeviceHistory {
    let entry = this.byDevice.get(name);
    if (entry === undefined) this.byDevice.set(name, (entry = emptyDevice(name)));
    return entry;
  }

  record(collection: string, id: string): RecordHistory {
    const key = recordKey(collection, id);
    let entry = this.byRecord.get(key);
    if (entry === undefined) {
      entry = { key, collection, id, writes: [], interrupted: [], applies: [], replays: [], final: undefined };
      this.byRecord.set(key, entry);
    }
    return entry;
  }

  op(opId: string): OpHistory {
    let entry = this.byOp.get(opId);
    if (entry === undefined) this.byOp.set(opId, (entry = { opId, applies: [], replays: [], rejects: [] }));
    return entry;
  }

  add(event: CheckedEvent): void {
    if (event.type.startsWith('user.')) this.addUser(event as Extract<CheckedEvent, { type: `user.${string}` }>);
    else if (event.type.startsWith('device.'))
      this.addDevice(event as Extract<CheckedEvent, { type: `device.${string}` }>);
    else if (event.type.startsWith('sim.')) this.addSim(event as Extract<CheckedEvent, { type: `sim.${string}` }>);
    else if (event.type.startsWith('server.'))
      this.addServer(event as Extract<CheckedEvent, { type: `server.${string}` }>);
    else this.addNet(event as Extract<CheckedEvent, { type: `net.${string}` }>);
  }

  private addUser(event: Extract<CheckedEvent, { type: `user.${string}` }>): void {
    const device = this.device(event.device);
    if (event.type === 'user.interrupted') {
      device.interrupted.push(event);
      const collection = event.collection ?? event.conflict?.collection;
      const id = event.id ?? event.conflict?.recordId;
      if (collection !== undefined && id !== undefined) this.record(collection, id).interrupted.push(event);
    } else if (event.type === 'user.error') device.userErrors.push(event);
    else if (event.type === 'user.call') device.calls.push(event);
    else {
      this.writes.push(event);
      device.writes.push(event);
      const [collection, id] =
        event.type === 'user.resolve'
          ? [event.conflict.collection, event.conflict.recordId]
          : [event.collection, event.id];
      this.record(collection, id).writes.push(event);
    }
  }

  private addDevice(event: Extract<CheckedEvent, { type: `device.${string}` }>): void {
    if (event.type === 'device.error') {
      if (event.device === undefined) this.strayErrors.push(event);
      else this.device(event.device).errors.push(event);
    } else if (event.type === 'device.view') this.device(event.device).views.push(event);
    else if (event.type === 'device.kill') this.device(event.device).kills.push(event);
    else this.device(event.device).restarts.push(event);
  }

  private addSim(event: Extract<CheckedEvent, { type: `sim.${string}` }>): void {
    if (event.type === 'sim.phase') this.phases.push(event);
    else if (event.type === 'sim.step') {
      if (event.device !== undefined) this.device(event.device).steps.push(event);
    } else if (event.type === 'sim.heal') {
      this.heals.push(event);
      this.device(event.device).heals.push(event);
    } else {
      assert(this.final === undefined, `trace event ${event.seq}: a second sim.final (first at ${this.final?.seq})`);
      this.final = event;
    }
  }

  private addServer(event: Extract<CheckedEvent, { type: `server.${string}` }>): void {
    if (event.type === 'server.apply') {
      this.applies.push(event);
      this.record(event.collection, event.id).applies.push(event);
      this.op(event.opId).applies.push(event);
      if (event.device !== SERVER_DEVICE) this.device(event.device).applies.push(event);
    } else if (event.type === 'server.replay') {
      this.record(event.collection, event.id).replays.push(event);
      this.op(event.opId).replays.push(event);
    } else {
      this.rejects.push(event);
      if (event.opId !== undefined) this.op(event.opId).rejects.push(event);
      this.device(event.device).rejects.push(event);
    }
  }

  private addNet(event: Extract<CheckedEvent, { type: `net.${string}` }>): void {
    const device = this.device(event.device);
    if (event.type === 'net.send') device.sends.push(event);
    else if (event.type === 'net.receive') device.receives.push(event);
    else if (event.type === 'net.fail') device.fails.push(event);
    else device.aborts.push(event);
  }

  /** Adds the final server records to their record histories and a synthesized final view per device. */
  finish(): void {
    const final = this.final;
    if (final === undefined) return;
    for (const record of final.server) this.record(record.collection, record.id).final = record;
    for (const [device, state] of final.devices) {
      const history = this.device(device);
      if (history.views.some((view) => view.reason === 'final')) continue;
      const view: DeviceView = {
        type: 'device.view',
        seq: final.seq,
        t: final.t,
        device,
        reason: 'final',
        records: state.records,
        pending: state.pending,
        conflicts: state.conflicts,
        synthesized: true,
      };
      history.views.push(view);
    }
  }
}

export function indexHistory(events: readonly TraceEvent[], checked: readonly CheckedEvent[]): History {
  for (let index = 1; index < events.length; index++) {
    const previous = events[index - 1]!;
    const event = events[index]!;
    assert(event.seq > previous.seq, `trace events out of order: seq ${event.seq} after ${previous.seq}`);
  }
  const indexer = new Indexer();
  for (const event of checked) indexer.add(event);
  indexer.finish();
  indexer.byDevice.delete(SERVER_DEVICE);
  return {
    events,
    checked,
    devices: [...indexer.byDevice.keys()].sort(),
    writes: indexer.writes,
    applies: indexer.applies,
    rejects: indexer.rejects,
    heals: indexer.heals,
    strayErrors: indexer.strayErrors,
    phases: indexer.phases,
    byDevice: indexer.byDevice,
    byRecord: indexer.byRecord,
    byOp: indexer.byOp,
    final: indexer.final,
  };
}
