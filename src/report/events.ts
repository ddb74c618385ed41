/**
 * @module report/events
 * Reads trace events for display: which lane an event belongs to (a device or the server),
 * what kind of thing it is, and a one-line label. Written against the generic TraceEvent
 * shape so that unknown types and extra fields still show up instead of breaking a report.
 */
import type { TraceEvent } from '../kernel/trace.ts';

export type EventKind =
  | 'user'
  | 'request'
  | 'response'
  | 'failure'
  | 'fault'
  | 'kill'
  | 'restart'
  | 'conflict'
  | 'server'
  | 'phase'
  | 'device'
  | 'other';

export interface DisplayEvent {
  seq: number;
  t: number;
  type: string;
  /** Device lane, or undefined for the server lane (and for run-wide events). */
  device?: string;
  kind: EventKind;
  /** One line, unescaped (the renderer escapes for its format). */
  label: string;
  /** Chatty bookkeeping (views, page fetches, client internals): shown only as a witness. */
  minor: boolean;
  /** For a server-lane event: the device it concerns (the sender of a request, the writer). */
  peer?: string;
  requestId?: string;
  status?: number;
}

/** Label of a field value: strings as they are, anything else as compact JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

function text(event: TraceEvent, key: string): string | undefined {
  const value = event[key];
  if (value === undefined || value === null) return undefined;
  return show(value);
}

function numberOf(event: TraceEvent, key: string): number | undefined {
  const value = event[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

function recordOf(event: TraceEvent): string | undefined {
  const collection = text(event, 'collection');
  const id = text(event, 'id');
  if (collection === undefined && id === undefined) return undefined;
  return `${collection ?? '?'}/${id ?? '?'}`;
}

/** The device an event is about, when it names one (the server is not a device lane). */
function deviceOf(event: TraceEvent): string | undefined {
  const device = event.device;
  if (typeof device !== 'string' || device === 'server') return undefined;
  return device;
}

type Shape = Pick<DisplayEvent, 'kind' | 'label' | 'minor'> & { lane: 'device' | 'server' };

function netShape(event: TraceEvent, verb: string): Shape {
  const requestId = text(event, 'requestId');
  const id = requestId === undefined ? undefined : `(${requestId})`;
  switch (verb) {
    case 'send':
      return {
        lane: 'device',
        kind: 'request',
        label: join(text(event, 'method'), text(event, 'path'), id),
        minor: false,
      };
    case 'receive': {
      const retry = text(event, 'retryAfterMs');
      return {
        lane: 'device',
        kind: 'response',
        label: join(text(event, 'status'), id, retry && `retry after ${retry} ms`),
        minor: false,
      };
    }
    case 'fail':
      return { lane: 'device', kind: 'failure', label: join('fail', text(event, 'code'), id), minor: false };
    case 'abort':
      return { lane: 'device', kind: 'failure', label: join('abort', id), minor: false };
    case 'fault':
      return { lane: 'device', kind: 'fault', label: join('fault', text(event, 'fault'), id), minor: false };
    case 'deliver': {
      const copy = numberOf(event, 'copy') ?? 0;
      return {
        lane: 'server',
        kind: copy > 0 ? 'fault' : 'other',
        label: join(copy > 0 ? `duplicate #${copy}` : 'deliver', id),
        minor: copy === 0,
      };
    }
    case 'respond':
      return { lane: 'server', kind: 'other', label: join('respond', text(event, 'status'), id), minor: true };
    default:
      return { lane: 'device', kind: 'other', label: join(event.type, id), minor: true };
  }
}

function serverShape(event: TraceEvent, verb: string): Shape {
  const from = deviceOf(event) === undefined ? text(event, 'device') : `from ${text(event, 'device')}`;
  switch (verb) {
    case 'apply': {
      const revs = `rev ${text(event, 'revBefore') ?? '∅'}→${text(event, 'revAfter') ?? '?'}`;
      const deleted = event.deleted === true ? 'deleted' : undefined;
      return {
        lane: 'server',
        kind: 'server',
        label: join('apply', text(event, 'kind'), recordOf(event), revs, deleted, from),
        minor: false,
      };
    }
    case 'replay':
      return {
        lane: 'server',
        kind: 'server',
        label: join('replay', recordOf(event), text(event, 'opId'), from),
        minor: false,
      };
    case 'reject': {
      const status = numberOf(event, 'status');
      const label = join('reject', text(event, 'status'), text(event, 'reason'), from);
      return { lane: 'server', kind: status === 409 ? 'conflict' : 'server', label, minor: false };
    }
    case 'changes': {
      const records = Array.isArray(event.records) ? `${event.records.length} records` : undefined;
      return {
        lane: 'server',
        kind: 'server',
        label: join('changes', text(event, 'mode'), records, from),
        minor: true,
      };
    }
    case 'fault':
      return {
        lane: 'server',
        kind: 'fault',
        label: join('fault', text(event, 'rule'), text(event, 'effect'), from),
        minor: false,
      };
    default:
      return { lane: 'server', kind: 'server', label: join(event.type, from), minor: true };
  }
}

function objectField(event: TraceEvent, key: string): Record<string, unknown> | undefined {
  const value = event[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `collection/id` of a user.resolve's conflict, and the choice made. */
function resolveDetails(event: TraceEvent): string | undefined {
  const conflict = objectField(event, 'conflict');
  const resolution = objectField(event, 'resolution');
  const record = conflict === undefined ? undefined : `${show(conflict.collection)}/${show(conflict.recordId)}`;
  const field = conflict?.field === undefined ? undefined : `field ${show(conflict.field)}`;
  const choice = resolution?.choice === undefined ? text(event, 'resolution') : show(resolution.choice);
  return join(record, field, choice);
}

function userShape(event: TraceEvent, verb: string): Shape {
  const failed = verb === 'error' || verb === 'interrupted';
  const kind: EventKind = verb === 'resolve' ? 'conflict' : failed ? 'failure' : 'user';
  const change = text(event, 'fields') ?? text(event, 'patch');
  const action = text(event, 'action');
  const details =
    verb === 'resolve'
      ? resolveDetails(event)
      : join(action, recordOf(event), change, text(event, 'message'), text(event, 'reason'));
  // user.call announces every app call; only a user's own sync says something the others do not.
  const minor = verb === 'call' && action !== 'sync';
  return { lane: 'device', kind, label: join(verb, details), minor };
}

function deviceShape(event: TraceEvent, verb: string): Shape {
  if (verb === 'kill')
    return {
      lane: 'device',
      kind: 'kill',
      label: join('KILL', text(event, 'point') && `at ${text(event, 'point')}`),
      minor: false,
    };
  if (verb === 'restart')
    return { lane: 'device', kind: 'restart', label: join('restart', text(event, 'incarnation')), minor: false };
  if (verb === 'view')
    return { lane: 'device', kind: 'device', label: join('view', text(event, 'reason')), minor: true };
  if (verb === 'error')
    return { lane: 'device', kind: 'failure', label: join('error', text(event, 'message')), minor: false };
  return { lane: 'device', kind: 'device', label: join(verb, text(event, 'reason')), minor: false };
}

function shapeOf(event: TraceEvent): Shape {
  const dot = event.type.indexOf('.');
  const family = dot < 0 ? event.type : event.type.slice(0, dot);
  const verb = dot < 0 ? '' : event.type.slice(dot + 1);
  if (family === 'net') return netShape(event, verb);
  if (family === 'server') return serverShape(event, verb);
  if (family === 'user') return userShape(event, verb);
  if (family === 'device') return deviceShape(event, verb);
  if (family === 'client') {
    const conflict = /conflict|resolve/i.test(verb);
    return {
      lane: 'device',
      kind: conflict ? 'conflict' : 'other',
      label: join(verb, recordOf(event)),
      minor: !conflict,
    };
  }
  if (event.type === 'sim.phase')
    return { lane: 'server', kind: 'phase', label: join('phase', text(event, 'phase')), minor: false };
  if (event.type === 'sim.final') return { lane: 'server', kind: 'server', label: 'final state', minor: true };
  if (event.type === 'sim.error')
    return { lane: 'server', kind: 'failure', label: join('error', text(event, 'message')), minor: false };
  return { lane: 'device', kind: 'other', label: event.type, minor: true };
}

/** How to show one trace event. Never throws on an unexpected shape. */
export function classify(event: TraceEvent): DisplayEvent {
  const shape = shapeOf(event);
  const device = shape.lane === 'device' || shape.kind === 'phase' ? deviceOf(event) : undefined;
  const display: DisplayEvent = {
    seq: event.seq,
    t: event.t,
    type: event.type,
    kind: shape.kind,
    label: shape.label === '' ? event.type : shape.label,
    minor: shape.minor,
  };
  if (shape.kind !== 'phase' && device !== undefined) display.device = device;
  const peer = deviceOf(event);
  if (display.device === undefined && peer !== undefined) display.peer = peer;
  const requestId = text(event, 'requestId');
  if (requestId !== undefined) display.requestId = requestId;
  const status = numberOf(event, 'status');
  if (status !== undefined) display.status = status;
  return display;
}

/** Devices in the order the trace first names them (sim.start's list first, when present). */
export function devicesOf(trace: readonly TraceEvent[]): string[] {
  const devices = new Set<string>();
  const start = trace.find((event) => event.type === 'sim.start');
  if (start !== undefined && Array.isArray(start.devices)) {
    for (const device of start.devices) if (typeof device === 'string' && device !== 'server') devices.add(device);
  }
  for (const event of trace) {
    const device = deviceOf(event);
    if (device !== undefined) devices.add(device);
  }
  return [...devices];
}

/** Seqs of every event any violation cites. */
export function witnessSeqs(violations: readonly { events: readonly number[] }[]): Set<number> {
  const seqs = new Set<number>();
  for (const violation of violations) for (const seq of violation.events) seqs.add(seq);
  return seqs;
}
