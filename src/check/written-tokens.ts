/**
 * @module check/written-tokens
 * Who wrote what: every token (unique string) a committed user write put into a record, and
 * the question no-silent-loss asks of each lost one: did a writer who had seen it overwrite it?
 */
import type { Conflict, Resolution } from '../client/contract.ts';
import type { Fields } from '../server/protocol.ts';
import type { History, RecordHistory, ServerApply, UserInterrupted, UserResolve, UserWrite } from './history.ts';
import { writeKey } from './history-index.ts';
import { applyAtRev, conflictShows, finalLive, revHolds } from './server-facts.ts';
import {
  holds,
  patchReplaces,
  patchTouches,
  type RecordKey,
  SERVER_DEVICE,
  seenHolds,
  type Token,
  tokensOfFields,
  tokensOfPatch,
  tokensOfValue,
} from './values.ts';

/** A token and the write that first put it in a record. */
export interface WrittenToken extends Token {
  write: UserWrite;
  key: RecordKey;
}

export interface WrittenTokens {
  tokens: WrittenToken[];
  /** Strings first written by an interrupted call. */
  interrupted: Set<string>;
}

const cache = new WeakMap<History, WrittenTokens>();

function tokensOfResolution(conflict: Conflict, resolution: Resolution): Token[] {
  if (resolution.choice !== 'merged') return [];
  if (conflict.field !== undefined) return tokensOfValue(conflict.field, resolution.value as Fields[string]);
  const value = resolution.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? tokensOfFields(value) : [];
}

function tokensOfWrite(write: UserWrite): Token[] {
  switch (write.type) {
    case 'user.create':
      return tokensOfFields(write.fields);
    case 'user.update':
      return tokensOfPatch(write.patch);
    case 'user.resolve':
      return tokensOfResolution(write.conflict, write.resolution);
    default:
      return [];
  }
}

function tokensOfInterrupted(event: UserInterrupted): Token[] {
  return [
    ...(event.fields === undefined ? [] : tokensOfFields(event.fields)),
    ...(event.patch === undefined ? [] : tokensOfPatch(event.patch)),
    ...(event.conflict && event.resolution ? tokensOfResolution(event.conflict, event.resolution) : []),
  ];
}

/**
 * The tokens of every committed write, in trace order. A string already written before (a
 * merged resolution that keeps an old value) belongs to its first writer. Strings first
 * written by an interrupted call are left out (whether they committed is unknown) and
 * returned apart.
 */
export function writtenTokens(history: History): WrittenTokens {
  const cached = cache.get(history);
  if (cached !== undefined) return cached;
  const events: (UserWrite | UserInterrupted)[] = [...history.writes];
  for (const device of history.byDevice.values()) events.push(...device.interrupted);
  events.sort((a, b) => a.seq - b.seq);
  const interrupted = new Set<string>();
  const written = new Set<string>();
  const tokens: WrittenToken[] = [];
  for (const event of events) {
    if (event.type === 'user.interrupted') {
      for (const token of tokensOfInterrupted(event)) if (!written.has(token.value)) interrupted.add(token.value);
      continue;
    }
    for (const token of tokensOfWrite(event)) {
      if (written.has(token.value) || interrupted.has(token.value)) continue;
      written.add(token.value);
      tokens.push({ ...token, write: event, key: writeKey(event) });
    }
  }
  const result = { tokens, interrupted };
  cache.set(history, result);
  return result;
}

/** True when the writer of `candidate` had seen the token (its local view or its base rev showed it). */
function sawToken(record: RecordHistory, candidate: UserWrite, token: WrittenToken): boolean {
  if (candidate.type !== 'user.update' && candidate.type !== 'user.delete') return false;
  const seen = candidate.seen;
  if (seen === null) return false;
  return seenHolds(seen, token.field, token.value) || revHolds(record, seen.rev, token.field, token.value);
}

function resolutionHolds(conflict: Conflict, resolution: Resolution, token: WrittenToken): boolean {
  if (resolution.choice !== 'merged') return false;
  if (conflict.field !== undefined) return holds(resolution.value, token.value);
  const value = resolution.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && holds(value[token.field], token.value);
}

/** True when the resolution discarded a side of the conflict that showed the token. */
function resolveDiscards(resolve: UserResolve, token: WrittenToken): boolean {
  const { conflict, resolution } = resolve;
  const local = conflictShows(conflict, 'local', token.field, token.value);
  const remote = conflictShows(conflict, 'remote', token.field, token.value);
  if (resolution.choice === 'keep-local') return remote && !local;
  if (resolution.choice === 'keep-remote') return local && !remote;
  return (local || remote) && !resolutionHolds(conflict, resolution, token);
}

/** True when `candidate` replaced the token knowingly. */
function informedOverwrite(record: RecordHistory, candidate: UserWrite, token: WrittenToken): boolean {
  if (candidate === token.write) return false;
  switch (candidate.type) {
    case 'user.update':
      return patchReplaces(candidate.patch, token.field, token.value) && sawToken(record, candidate, token);
    case 'user.delete':
      return sawToken(record, candidate, token);
    case 'user.resolve':
      return resolveDiscards(candidate, token);
    default:
      return false;
  }
}

/** An automation write sees the server's current state, so it saw whatever that state held. */
function automationOverwrite(record: RecordHistory, apply: ServerApply, token: WrittenToken): boolean {
  if (apply.device !== SERVER_DEVICE || !revHolds(record, apply.revBefore, token.field, token.value)) return false;
  return apply.deleted || !holds(apply.fields[token.field], token.value);
}

/** The event (a user write or an automation apply) that knowingly replaced the token, if any. */
export function informedOverwriter(record: RecordHistory, token: WrittenToken): UserWrite | ServerApply | undefined {
  const write = record.writes.find((candidate) => informedOverwrite(record, candidate, token));
  if (write !== undefined) return write;
  return record.applies.find((apply) => automationOverwrite(record, apply, token));
}

/**
 * A competing write: a later write that could, under last-writer-wins, have replaced the
 * token (another write of the field or a delete of the record, or another device's op
 * applied to the record after the token was written). Without one, not even a lossy policy
 * explains the loss.
 */
export function competingWrite(record: RecordHistory, token: WrittenToken): UserWrite | ServerApply | undefined {
  const after = token.write.seq;
  const write = record.writes.find((candidate) => {
    if (candidate.seq <= after) return false;
    if (candidate.type === 'user.delete') return true;
    if (candidate.type === 'user.update') return patchTouches(candidate.patch, token.field);
    if (candidate.type === 'user.resolve') return [undefined, token.field].includes(candidate.conflict.field);
    return false;
  });
  if (write !== undefined) return write;
  return record.applies.find((apply) => apply.seq > after && apply.device !== token.write.device);
}

/**
 * True when the token was written onto a deletion its writer had seen (the writer's base rev
 * is the tombstone) and the record ends deleted: the write had nothing to land on, and the
 * writer knew it. Clients differ here (some restore the record, some drop the write).
 */
export function writtenOntoSeenDeletion(record: RecordHistory, token: WrittenToken): boolean {
  const write = token.write;
  if (write.type !== 'user.update' || write.seen?.rev == null || finalLive(record)) return false;
  return applyAtRev(record, write.seen.rev)?.deleted === true;
}
