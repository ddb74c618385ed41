/**
 * @module server/history
 * What the server did, as trace events for the checkers, with exactly the fields of the
 * vocabulary in docs/invariants.md ("The history") (the checkers read these; do not add or rename fields):
 *   server.apply   {device, opId, collection, id, kind, revBefore, revAfter, deleted, fields}
 *   server.replay  {device, opId, collection, id}
 *   server.reject  {device, opId?, status, reason}
 *   server.changes {device, mode, records: [{collection, id, rev, deleted}]}
 *   server.fault   {device, rule, effect}
 * An automation write is a server.apply with device 'server' and opId 'auto-<n>'.
 */
import type { Trace } from '../kernel/trace.ts';
import type { ChangesMode, Fields, OpKind, ServerRecord } from './protocol.ts';

export interface ApplyEvent {
  device: string;
  opId: string;
  kind: OpKind;
  revBefore: number;
  record: ServerRecord;
}

export class ServerHistory {
  constructor(private readonly trace: Trace) {}

  apply(event: ApplyEvent): void {
    const { record } = event;
    const fields: Fields = {};
    for (const [name, value] of Object.entries(record.fields)) fields[name] = value;
    this.trace.record('server.apply', {
      device: event.device,
      opId: event.opId,
      collection: record.collection,
      id: record.id,
      kind: event.kind,
      revBefore: event.revBefore,
      revAfter: record.rev,
      deleted: record.deleted,
      fields,
    });
  }

  replay(device: string, opId: string, collection: string, id: string): void {
    this.trace.record('server.replay', { device, opId, collection, id });
  }

  reject(device: string, opId: string | undefined, status: number, reason: string): void {
    if (opId === undefined) this.trace.record('server.reject', { device, status, reason });
    else this.trace.record('server.reject', { device, opId, status, reason });
  }

  changes(device: string, mode: ChangesMode, records: readonly ServerRecord[]): void {
    this.trace.record('server.changes', {
      device,
      mode,
      records: records.map(({ collection, id, rev, deleted }) => ({ collection, id, rev, deleted })),
    });
  }

  fault(device: string, rule: string, effect: string): void {
    this.trace.record('server.fault', { device, rule, effect });
  }
}
