/**
 * @module client/process/protocol
 * The messages of the process protocol (docs/process-protocol.md), one JSON object per
 * line. The simulator sends events; the client answers within a turn that ends with
 * `done`. Everything read from the child is checked here: a line that is not one of these
 * messages, or an app call's result of the wrong shape, is the client's bug, reported
 * with the line, never passed on to the checkers.
 */
import { isFrozenData } from '../../kernel/frozen.ts';
import type { ClientCapabilities, MergePolicy, SyncRunResult } from '../contract.ts';

export const PROTOCOL_VERSION = 1;

export type AppMethod = 'create' | 'update' | 'delete' | 'list' | 'sync' | 'pendingCount' | 'conflicts' | 'resolve';

/** Most a `random` or `uuid` query may ask for at once (`count`). */
export const QUERY_COUNT_MAX = 64;

/**
 * What the events of an incarnation's turns carry besides their own fields, when its
 * `start` said `crashPointHints: true`: `armed`, the crash point at which the simulator
 * kills it if reached during this turn (a name, or '*': any); absent, none is (a
 * `crashPoint` query would answer `kill: false`, so the client need not ask).
 */
interface Armed {
  armed?: string;
}

/** Simulator → client. Each starts a turn, except the answers to queries. */
export type SimulatorMessage =
  | { type: 'hello'; protocol: number }
  | ({
      type: 'start';
      protocol: number;
      deviceId: string;
      incarnation: number;
      baseUrl: string;
      storageDir: string;
      online: boolean;
      foreground: boolean;
      /** The events of this incarnation carry `armed` (the simulator knows where it would kill). */
      crashPointHints?: boolean;
    } & Armed)
  | ({ type: 'call'; id: number; method: AppMethod; args: unknown[] } & Armed)
  // Only to a client that declared `batches`: the calls in order, each started once the one before it settled.
  | ({ type: 'calls'; calls: { id: number; method: AppMethod; args: unknown[] }[] } & Armed)
  | ({ type: 'response'; fetchId: number; status: number; headers: Record<string, string>; body: string } & Armed)
  | ({ type: 'response'; fetchId: number; error: string } & Armed)
  | ({ type: 'timer'; timerId: number } & Armed)
  | ({ type: 'surroundings'; event: 'online' | 'offline' | 'foreground' | 'background' } & Armed)
  // Only to a client that declared `reusable`: this incarnation is killed, the process stays.
  | { type: 'kill' }
  // Answers to queries, inside a turn (`more`: the next draws of a query with a `count`, in order):
  | { type: 'random'; value: number; more?: number[] }
  | { type: 'uuid'; value: string; more?: string[] }
  | { type: 'now'; value: number }
  // `kill: true` only to a reusable client: the incarnation dies right there, the process stays.
  | { type: 'crashPoint'; kill: boolean };

/** Client → simulator. */
export type ClientMessage =
  | { type: 'done' }
  | {
      type: 'hello';
      name: string;
      policy: MergePolicy;
      capabilities?: ClientCapabilities;
      collections?: string[];
      crashPoints?: string[];
      description?: string;
      /** The process may serve later incarnations (it understands the `kill` event). */
      reusable?: boolean;
      /** It understands the `calls` event. */
      batches?: boolean;
    }
  | { type: 'result'; id: number; value?: unknown; error?: string }
  /** Calls of a `calls` event it did not start (one before them had not settled within the turn). */
  | { type: 'notRun'; ids: number[] }
  | { type: 'fetch'; fetchId: number; method: string; url: string; headers?: Record<string, string>; body?: string }
  | { type: 'abort'; fetchId: number }
  | { type: 'setTimer'; timerId: number; delayMs: number }
  | { type: 'clearTimer'; timerId: number }
  | { type: 'log'; event: { type: string; [field: string]: unknown } }
  | { type: 'reportError'; message: string }
  | { type: 'random'; count?: number }
  | { type: 'uuid'; count?: number }
  | { type: 'now' }
  | { type: 'crashPoint'; name: string };

/** A message from the child that breaks the protocol. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isString = (value: unknown): value is string => typeof value === 'string';

function countProblem(count: unknown): string | undefined {
  return count === undefined || (isId(count) && count >= 1 && count <= QUERY_COUNT_MAX)
    ? undefined
    : `has a \`count\` that is not a whole number from 1 to ${QUERY_COUNT_MAX}`;
}

/** What each message type needs beyond `type`, as a check that returns the problem or undefined. */
const SHAPES: Record<ClientMessage['type'], (m: Record<string, unknown>) => string | undefined> = {
  done: () => undefined,
  hello: (m) =>
    !isString(m.name) || m.name === '' || !isObject(m.policy)
      ? 'needs `name` and `policy`'
      : m.reusable !== undefined && typeof m.reusable !== 'boolean'
        ? '`reusable` must be true or false'
        : m.batches !== undefined && typeof m.batches !== 'boolean'
          ? '`batches` must be true or false'
          : undefined,
  result: (m) =>
    !isId(m.id)
      ? 'needs a numeric `id`'
      : m.error !== undefined && !isString(m.error)
        ? '`error` must be a string'
        : undefined,
  fetch: (m) =>
    isId(m.fetchId) &&
    isString(m.method) &&
    isString(m.url) &&
    (m.body === undefined || isString(m.body)) &&
    (m.headers === undefined || isObject(m.headers))
      ? undefined
      : 'needs `fetchId`, `method`, `url` (and a string `body`, an object `headers` if any)',
  notRun: (m) => (Array.isArray(m.ids) && m.ids.every(isId) ? undefined : 'needs `ids` (call ids)'),
  abort: (m) => (isId(m.fetchId) ? undefined : 'needs `fetchId`'),
  setTimer: (m) =>
    isId(m.timerId) && typeof m.delayMs === 'number' && m.delayMs >= 0
      ? undefined
      : 'needs `timerId` and `delayMs` >= 0',
  clearTimer: (m) => (isId(m.timerId) ? undefined : 'needs `timerId`'),
  log: (m) =>
    isObject(m.event) && isString(m.event.type) && m.event.type !== '' ? undefined : 'needs an `event` with a `type`',
  reportError: (m) => (isString(m.message) ? undefined : 'needs a `message`'),
  random: (m) => countProblem(m.count),
  uuid: (m) => countProblem(m.count),
  now: () => undefined,
  crashPoint: (m) => (isString(m.name) && m.name !== '' ? undefined : 'needs a `name`'),
};

/** Parses one line from the child; throws a ProtocolError saying what is wrong with it. */
export function parseClientMessage(line: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError('a line that is not JSON');
  }
  if (!isObject(value) || !isString(value.type)) throw new ProtocolError('a JSON line without a string `type`');
  const check = SHAPES[value.type as ClientMessage['type']];
  if (check === undefined) throw new ProtocolError(`a message of unknown type '${value.type}'`);
  const problem = check(value);
  if (problem !== undefined) throw new ProtocolError(`a '${value.type}' message that ${problem}`);
  return value as ClientMessage;
}

const STATUSES = ['synced', 'pending', 'error', 'needs-review'];

/**
 * Records already found well-formed that can never change (frozen data, kernel/frozen): a
 * record a client hands back unchanged in view after view (the reference client shares one
 * object between all the devices showing it) is checked once, not once per view.
 */
const wellFormed = new WeakSet<object>();

function listProblem(records: readonly unknown[]): string | undefined {
  for (const record of records) {
    if (typeof record === 'object' && record !== null && wellFormed.has(record)) continue;
    const problem = recordProblem(record);
    if (problem !== undefined) return problem;
    if (isFrozenData(record)) wellFormed.add(record as object);
  }
  return undefined;
}

function recordProblem(record: unknown): string | undefined {
  if (!isObject(record)) return 'a record that is not an object';
  if (!isString(record.id) || !isString(record.collection)) return 'a record without string `id` and `collection`';
  if (!isObject(record.fields)) return `record ${record.id} has no \`fields\` object`;
  if (!STATUSES.includes(record.status as string))
    return `record ${record.id} has status ${JSON.stringify(record.status)}`;
  if (record.rev !== null && !isId(record.rev)) return `record ${record.id} has rev ${JSON.stringify(record.rev)}`;
  return undefined;
}

function conflictProblem(conflict: unknown): string | undefined {
  if (!isObject(conflict)) return 'a conflict that is not an object';
  if (!isString(conflict.id) || !isString(conflict.collection) || !isString(conflict.recordId)) {
    return 'a conflict without string `id`, `collection` and `recordId`';
  }
  if (conflict.field !== undefined && !isString(conflict.field))
    return `conflict ${conflict.id} has a non-string \`field\``;
  return !('local' in conflict) || !('remote' in conflict)
    ? `conflict ${conflict.id} lacks \`local\` or \`remote\``
    : undefined;
}

/** Checks an app call's result; returns what is wrong with it, or undefined. */
export function resultProblem(method: AppMethod, value: unknown): string | undefined {
  switch (method) {
    case 'create':
      return isString(value) && value !== '' ? undefined : 'create() must return the new record id (a string)';
    case 'list':
      return Array.isArray(value) ? listProblem(value) : 'list() must return an array';
    case 'conflicts':
      return Array.isArray(value)
        ? value.map(conflictProblem).find((p) => p !== undefined)
        : 'conflicts() must return an array';
    case 'pendingCount':
      return isId(value) ? undefined : 'pendingCount() must return a whole number';
    case 'sync': {
      const run = value as Partial<SyncRunResult> | undefined;
      return isObject(run) && isId(run.pushed) && isId(run.pulled) && isId(run.pending)
        ? undefined
        : 'sync() must return {pushed, pulled, pending} (whole numbers)';
    }
    default:
      return undefined;
  }
}

/** The `error` of a failed fetch's response event: Node's `cause.code` (ECONNRESET...), or ABORTED. */
export function fetchErrorCode(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'ABORTED';
  const cause = error instanceof Error ? (error as { cause?: { code?: unknown } }).cause : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}
