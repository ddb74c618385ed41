/**
 * @module server/history
 * What the server did, as trace events for the checkers, with exactly the fields of the
 * vocabulary in docs/invariants.md ("The history") (the checkers read these; do not add or rename fields):
 *   server.apply   {device, opId, collection, id, kind, revBefore, revAfter, deleted, fields}
 *   server.replay  {device, opId, collection, id}
 *   server.reject  {device, opId?, status, reason, collection?, id?}
 *   server.changes {device, mode, records: [{collection, id, rev, deleted, movedOut?}]}
 *   server.fault   {device, rule, effect}
 * An automation write is a server.apply with device 'server' and opId 'auto-<n>'.
 */
import type { Trace } from '../kernel/trace.ts';
import type { ChangesMode, Fields, OpKind, ServerRecord } from './protocol.ts';

/** What server.changes says of a record handed out. */
type Handed = Readonly<Pick<ServerRecord, 'collection' | 'id' | 'rev' | 'deleted' | 'movedOut'>>;

/**
 * Per stored record version (frozen: server/store replaces, never mutates), what
 * server.changes says of it: one frozen object for every page that hands that version out.
 * At 1,000 devices each version is handed to every device; the trace then keeps and writes
 * one object per version (kernel/json-value, kernel/frozen-json) instead of one per device.
 */
const handed = new WeakMap<ServerRecord, Handed>();

function handedOut(record: ServerRecord): Handed {
  let summary = handed.get(record);
  if (summary === undefined) {
    const { collection, id, rev, deleted, movedOut } = record;
    const fresh = movedOut === true ? { collection, id, rev, deleted, movedOut } : { collection, id, rev, deleted };
    if (!Object.isFrozen(record)) return fresh;
    summary = Object.freeze(fresh);
    handed.set(record, summary);
  }
  return summary;
}

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

  /** `record`: the op's record, when the op was read (a refusal of one op, not of the request). */
  reject(
    device: string,
    opId: string | undefined,
    status: number,
    reason: string,
    record?: { collection: string; id: string },
  ): void {
    if (opId === undefined) this.trace.record('server.reject', { device, status, reason });
    else if (record === undefined) this.trace.record('server.reject', { device, opId, status, reason });
    else
      this.trace.record('server.reject', {
        device,
        opId,
        status,
        reason,
        collection: record.collection,
        id: record.id,
      });
  }

  changes(device: string, mode: ChangesMode, records: readonly ServerRecord[]): void {
    this.trace.record('server.changes', { device, mode, records: records.map(handedOut) });
  }

  fault(device: string, rule: string, effect: string): void {
    this.trace.record('server.fault', { device, rule, effect });
  }
}
