/**
 * Hand-made histories for the checker tests: a builder that appends TraceEvents with
 * consecutive seqs and a settable virtual time, one method per event type the checkers
 * read, each returning the seq of the event it added (the witness the tests assert on).
 */

import { buildHistory, type FinalDeviceState, type History, type ViewReason } from '../../src/check/index.ts';
import type { Conflict, LocalRecord, MergePolicy, RecordStatus, Resolution } from '../../src/client/contract.ts';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import type { Fields, OpKind, PatchOp, ServerRecord } from '../../src/server/protocol.ts';

export const COLLECTION = 'tasks';

export const POLICY: MergePolicy = { default: 'manual', fields: { tags: 'set-union', likes: 'counter', note: 'lww' } };

/** A record as a device lists it. */
export function local(id: string, fields: Fields, rev: number | null, status: RecordStatus = 'synced'): LocalRecord {
  return { id, collection: COLLECTION, fields, status, rev };
}

/** A record as the server holds it. */
export function stored(id: string, fields: Fields, rev: number, deleted = false): ServerRecord {
  return { collection: COLLECTION, id, rev, updatedAtServer: 0, deleted, fields };
}

export interface ApplyInput {
  device: string;
  opId: string;
  id: string;
  kind?: OpKind;
  revBefore?: number;
  revAfter: number;
  deleted?: boolean;
  fields: Fields;
}

export class TraceBuilder {
  private readonly events: TraceEvent[] = [];
  private now = 0;

  /** Sets the virtual time of the next events. */
  at(t: number): this {
    this.now = t;
    return this;
  }

  event(type: string, data: Record<string, unknown> = {}): number {
    const seq = this.events.length;
    this.events.push({ seq, t: this.now, type, ...structuredClone(data) });
    return seq;
  }

  create(device: string, id: string, fields: Fields, incarnation = 0): number {
    return this.event('user.create', { device, incarnation, collection: COLLECTION, id, fields });
  }

  update(device: string, id: string, patch: PatchOp[], seen: LocalRecord | null): number {
    return this.event('user.update', { device, collection: COLLECTION, id, patch, seen });
  }

  remove(device: string, id: string, seen: LocalRecord | null): number {
    return this.event('user.delete', { device, collection: COLLECTION, id, seen });
  }

  resolve(device: string, conflict: Conflict, resolution: Resolution): number {
    return this.event('user.resolve', { device, conflict, resolution });
  }

  interrupted(device: string, action: string, data: Record<string, unknown>): number {
    return this.event('user.interrupted', { device, action, collection: COLLECTION, ...data });
  }

  view(device: string, reason: ViewReason, records: LocalRecord[], pending = 0, conflicts: Conflict[] = []): number {
    return this.event('device.view', { device, reason, records, pending, conflicts });
  }

  kill(device: string, point = 'random', incarnation = 0): number {
    return this.event('device.kill', { device, incarnation, point });
  }

  restart(device: string, incarnation = 1): number {
    return this.event('device.restart', { device, incarnation });
  }

  apply(input: ApplyInput): number {
    const kind = input.kind ?? (input.deleted ? 'delete' : input.revAfter === 1 ? 'create' : 'update');
    return this.event('server.apply', {
      device: input.device,
      opId: input.opId,
      collection: COLLECTION,
      id: input.id,
      kind,
      revBefore: input.revBefore ?? input.revAfter - 1,
      revAfter: input.revAfter,
      deleted: input.deleted ?? false,
      fields: input.fields,
    });
  }

  replay(device: string, opId: string, id: string): number {
    return this.event('server.replay', { device, opId, collection: COLLECTION, id });
  }

  reject(device: string, opId: string, status: number, reason = 'stale-base-rev'): number {
    return this.event('server.reject', { device, opId, status, reason });
  }

  send(device: string, requestId: string, path: string, key?: string, method = 'POST'): number {
    return this.event('net.send', { device, requestId, method, path, ...(key === undefined ? {} : { key }) });
  }

  receive(device: string, requestId: string, status: number, retryAfterMs?: number): number {
    return this.event('net.receive', {
      device,
      requestId,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  fail(device: string, requestId: string, code = 'ECONNRESET'): number {
    return this.event('net.fail', { device, requestId, code });
  }

  heal(device: string, drained = true, nudged = false, rounds = 0): number {
    return this.event('sim.heal', { device, drained, nudged, rounds });
  }

  final(server: ServerRecord[], devices: Record<string, Partial<FinalDeviceState>>, policy = POLICY): number {
    const states = Object.fromEntries(
      Object.entries(devices).map(([device, state]) => [
        device,
        { records: state.records ?? [], conflicts: state.conflicts ?? [], pending: state.pending ?? 0 },
      ]),
    );
    return this.event('sim.final', { policy, server, devices: states });
  }

  build(): History {
    return buildHistory(this.events);
  }

  trace(): TraceEvent[] {
    return this.events;
  }
}

export const CREATED = { title: 'd1.w1', tags: ['d1.t1'], likes: 0 };
export const EDITED = { title: 'd2.w2', tags: ['d1.t1', 'd2.t2'], likes: 1 };

/**
 * The chaos part of a clean two-device run: d1 creates r1 and pushes it; d2 pulls it,
 * edits title, tags and the counter, and pushes; d1 pulls. Returns the seqs by name.
 */
export function cleanChaos(b = new TraceBuilder()): { builder: TraceBuilder; seqs: Record<string, number> } {
  const seqs: Record<string, number> = {};
  b.event('sim.phase', { phase: 'chaos' });
  seqs.create = b.at(0).create('d1', 'r1', CREATED);
  b.at(10).send('d1', 'd1#1', '/sync/ops', 'op1');
  seqs.apply1 = b.apply({ device: 'd1', opId: 'op1', id: 'r1', revBefore: 0, revAfter: 1, fields: CREATED });
  b.receive('d1', 'd1#1', 201);
  seqs.d2view = b.at(20).view('d2', 'step', [local('r1', CREATED, 1)]);
  const patch: PatchOp[] = [
    { op: 'set', field: 'title', value: 'd2.w2' },
    { op: 'add', field: 'tags', values: ['d2.t2'] },
    { op: 'inc', field: 'likes', by: 1 },
  ];
  seqs.update = b.update('d2', 'r1', patch, local('r1', CREATED, 1));
  b.at(30).send('d2', 'd2#1', '/sync/ops', 'op2');
  seqs.apply2 = b.apply({ device: 'd2', opId: 'op2', id: 'r1', revAfter: 2, fields: EDITED });
  b.receive('d2', 'd2#1', 200);
  seqs.d1view = b.at(40).view('d1', 'step', [local('r1', EDITED, 2)]);
  return { builder: b, seqs };
}

/** Heals every device (drained, not nudged) and records sim.final with every device showing `records`. */
export function endRun(b: TraceBuilder, server: ServerRecord[], devices: string[] = ['d1', 'd2']): number {
  b.at(1_000).event('sim.phase', { phase: 'heal' });
  for (const device of devices) b.heal(device);
  b.event('sim.phase', { phase: 'check' });
  const records = server
    .filter((record) => !record.deleted)
    .map((record) => local(record.id, record.fields, record.rev));
  return b.final(server, Object.fromEntries(devices.map((device) => [device, { records }])));
}

/** A clean two-device run (cleanChaos, then heal and converge). Every checker must pass it. */
export function cleanRun(): { builder: TraceBuilder; seqs: Record<string, number> } {
  const { builder, seqs } = cleanChaos();
  seqs.final = endRun(builder, [stored('r1', EDITED, 2)]);
  return { builder, seqs };
}
