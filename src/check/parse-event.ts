/**
 * @module check/parse-event
 * Validation of the events the checkers read. The checks are shallow (types of the fields a
 * checker reads, not every nested value) and cheap; they exist so that a producer that emits
 * a wrong or missing field fails loudly at its first event instead of making checkers lie.
 */
import { AssertionError } from '../kernel/assert.ts';
import type { TraceEvent } from '../kernel/trace.ts';
import type { CheckedEvent, UserAction } from './history.ts';

function fail(event: TraceEvent, field: string, expected: string): never {
  throw new AssertionError(
    `[syncstorm] trace event ${event.seq} (${event.type}): '${field}' must be ${expected}, got ${JSON.stringify(
      event[field],
    )}. Emit the fields documented in src/check/history.ts.`,
  );
}

function string(event: TraceEvent, field: string): void {
  if (typeof event[field] !== 'string') fail(event, field, 'a string');
}

function optionalString(event: TraceEvent, field: string): void {
  if (event[field] !== undefined) string(event, field);
}

function number(event: TraceEvent, field: string): void {
  if (typeof event[field] !== 'number' || !Number.isFinite(event[field])) fail(event, field, 'a finite number');
}

function boolean(event: TraceEvent, field: string): void {
  if (typeof event[field] !== 'boolean') fail(event, field, 'a boolean');
}

function object(event: TraceEvent, field: string): void {
  const value = event[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(event, field, 'an object');
}

function array(event: TraceEvent, field: string): void {
  if (!Array.isArray(event[field])) fail(event, field, 'an array');
}

function oneOf(event: TraceEvent, field: string, allowed: readonly string[]): void {
  if (!allowed.includes(event[field] as string)) fail(event, field, `one of ${allowed.join(', ')}`);
}

function isRecordLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.id === 'string' && typeof record.collection === 'string' && typeof record.fields === 'object';
}

/** A LocalRecord or null (the `seen` of a write). */
function seen(event: TraceEvent, field: string): void {
  const value = event[field];
  if (value !== null && !isRecordLike(value)) fail(event, field, 'a LocalRecord {id, collection, fields, rev} or null');
}

function records(event: TraceEvent, field: string): void {
  array(event, field);
  if (!(event[field] as unknown[]).every(isRecordLike)) fail(event, field, 'an array of records');
}

function conflict(event: TraceEvent, field: string): void {
  const value = event[field] as Record<string, unknown> | undefined;
  if (typeof value?.collection !== 'string' || typeof value.recordId !== 'string' || typeof value.id !== 'string') {
    fail(event, field, 'a Conflict {id, collection, recordId, ...}');
  }
}

function requestId(event: TraceEvent): void {
  const value = event.requestId;
  if (typeof value !== 'string' && typeof value !== 'number') fail(event, 'requestId', 'a string or a number');
}

const ACTIONS: readonly UserAction[] = ['create', 'update', 'delete', 'resolve'];

type Check = (event: TraceEvent, field: string) => void;

const optional =
  (check: Check): Check =>
  (event, field) => {
    if (event[field] !== undefined) check(event, field);
  };
const nullable =
  (check: Check): Check =>
  (event, field) => {
    if (event[field] !== null) check(event, field);
  };
const oneOfThese =
  (allowed: readonly string[]): Check =>
  (event, field) =>
    oneOf(event, field, allowed);
const requestIdCheck: Check = (event) => requestId(event);

/** Per checked type, the fields it must carry and how each is checked. */
const SCHEMAS: Record<string, Record<string, Check>> = {
  'user.create': { device: string, incarnation: number, collection: string, id: string, fields: object },
  'user.update': { device: string, collection: string, id: string, patch: array, seen },
  'user.delete': { device: string, collection: string, id: string, seen },
  'user.resolve': { device: string, conflict, resolution: object },
  'user.call': { device: string, action: string },
  'user.error': { device: string, action: string, message: string, hung: optional(boolean) },
  'user.interrupted': { device: string, action: oneOfThese(ACTIONS), id: optionalString },
  'device.view': {
    device: string,
    reason: oneOfThese(['step', 'before-kill', 'after-restart', 'final', 'sync-end', 'sample']),
    records,
    pending: number,
    conflicts: array,
  },
  'device.kill': { device: string, incarnation: number, point: string },
  'device.restart': { device: string, incarnation: number },
  'device.error': { device: optionalString, message: string },
  'sim.phase': { phase: oneOfThese(['chaos', 'heal', 'check']) },
  'sim.step': { device: optionalString, do: string },
  'sim.heal': { device: string, drained: boolean, nudged: boolean, rounds: number },
  'sim.final': {
    policy: object,
    capabilities: optional(object),
    subscriptions: optional(object),
    server: records,
    devices: object,
  },
  'server.apply': {
    device: string,
    opId: string,
    collection: string,
    id: string,
    kind: oneOfThese(['create', 'update', 'delete']),
    revBefore: nullable(number),
    revAfter: number,
    deleted: boolean,
    fields: object,
  },
  'server.replay': { device: string, opId: string, collection: string, id: string },
  'server.reject': {
    device: string,
    opId: optionalString,
    status: number,
    reason: string,
    collection: optionalString,
    id: optionalString,
  },
  'net.send': {
    device: string,
    requestId: requestIdCheck,
    method: string,
    path: string,
    query: optionalString,
    key: optionalString,
  },
  'net.receive': { device: string, requestId: requestIdCheck, status: number, retryAfterMs: optional(number) },
  'net.fail': { device: string, requestId: requestIdCheck, code: string },
  'net.abort': { device: string, requestId: requestIdCheck },
};

/** The final device states must each be a {records, conflicts, pending}. */
function finalDevices(event: TraceEvent): void {
  for (const [device, state] of Object.entries(event.devices as Record<string, unknown>)) {
    const value = state as Record<string, unknown> | null;
    const ok =
      value !== null &&
      typeof value === 'object' &&
      Array.isArray(value.records) &&
      value.records.every(isRecordLike) &&
      Array.isArray(value.conflicts) &&
      typeof value.pending === 'number';
    if (!ok) fail(event, 'devices', `a map of {records, conflicts, pending} (device '${device}' is not)`);
  }
}

/** Validates `event` if the checkers read its type; returns it typed, or undefined for other types. */
export function parseEvent(event: TraceEvent): CheckedEvent | undefined {
  const schema = SCHEMAS[event.type];
  if (schema === undefined) return undefined;
  for (const [field, check] of Object.entries(schema)) check(event, field);
  if (event.type === 'sim.final') {
    finalDevices(event);
    // The trace holds an object; the checkers get a Map, as device ids are user-given.
    const devices = new Map(Object.entries(event.devices as Record<string, unknown>));
    const subscriptions = new Map(Object.entries((event.subscriptions ?? {}) as Record<string, unknown>));
    return { ...event, devices, subscriptions } as unknown as CheckedEvent;
  }
  return event as unknown as CheckedEvent;
}
