/**
 * @module server/pages
 * One page of `/changes` (cursor or checkpoint mode) or `/snapshot`, with the page faults.
 * Order: select the page; let one page fault fire (it may shorten the page, point `next` one
 * record back, reorder the records, or write after the page was read); record server.changes;
 * then compute `hasMore` from the store, so it accounts for any write the fault made.
 */
import type { ServerContext } from './context.ts';
import { encodeCheckpoint, encodeSeqCursor, encodeSnapshotCursor, type SnapshotPosition } from './cursors.ts';
import type { ServerFault, ServerRoute } from './fault-rules.ts';
import type { ChangesMode, ChangesPage, SnapshotPage } from './protocol.ts';
import type { Reply } from './responses.ts';
import { type CheckpointKey, type StoredRecord, toWire } from './store.ts';

export type PageQuery =
  | { mode: 'cursor'; since: number }
  | { mode: 'checkpoint'; after: CheckpointKey | null }
  | { mode: 'snapshot'; position: SnapshotPosition };

/** Whether the query's page would hold at least one record now (long-poll readiness). */
export function pageHasRecords(context: ServerContext, query: PageQuery): boolean {
  const { store } = context;
  if (query.mode === 'cursor') return store.hasChangesAfterSeq(query.since);
  if (query.mode === 'checkpoint') return store.hasChangesAfterCheckpoint(query.after);
  return query.position.offset < store.count;
}

function select(context: ServerContext, query: PageQuery, limit: number): StoredRecord[] {
  const { store } = context;
  if (query.mode === 'cursor') return store.changesAfterSeq(query.since, limit).records;
  if (query.mode === 'checkpoint') return store.changesAfterCheckpoint(query.after, limit).records;
  return store.snapshotSlice(query.position.offset, limit);
}

/** The position after the first `count` records of `records` (count may be 0). */
function positionAfter(query: PageQuery, records: readonly StoredRecord[], count: number): PageQuery {
  const last = records[count - 1];
  if (query.mode === 'cursor') return { mode: 'cursor', since: last === undefined ? query.since : last.seq };
  if (query.mode === 'checkpoint') return { mode: 'checkpoint', after: last ?? query.after };
  return { mode: 'snapshot', position: { ...query.position, offset: query.position.offset + count } };
}

function encode(position: PageQuery): string {
  if (position.mode === 'cursor') return encodeSeqCursor(position.since);
  if (position.mode === 'checkpoint') return position.after === null ? '' : encodeCheckpoint(position.after);
  return encodeSnapshotCursor(position.position);
}

function applies(context: ServerContext, query: PageQuery, records: readonly StoredRecord[], fault: ServerFault) {
  const last = records[records.length - 1];
  switch (fault.type) {
    case 'short-page':
      return records.length > fault.limit;
    case 'changes-out-of-order':
      return records.length >= 2;
    case 'overlapping-page':
      return last !== undefined;
    case 'write-between-pages':
      return records.some((record) => !record.deleted);
    case 'checkpoint-tie':
      return query.mode === 'checkpoint' && last !== undefined && context.store.firstLiveAfter(last) !== undefined;
    case 'stale-delta':
      return staleCandidates(context, query, records).length > 0;
    default:
      return false;
  }
}

/** How far back, in changes, a lagging replica's stale delta may reach. */
const STALE_REACH = 20;

/**
 * Records a stale delta may be an older version of: those of this page, and, in cursor mode,
 * the last changes the reader was already handed (a replica lagging behind the primary it
 * read from before).
 */
function staleCandidates(context: ServerContext, query: PageQuery, records: readonly StoredRecord[]): StoredRecord[] {
  const before =
    query.mode === 'cursor'
      ? context.store
          .changesAfterSeq(Math.max(0, query.since - STALE_REACH), STALE_REACH)
          .records.filter((record) => record.seq <= query.since)
      : [];
  return [...before, ...records].filter((record) => context.store.previousOf(record) !== undefined);
}

/** A reordering that differs from the page's order (a shuffle, reversed if it came out unchanged). */
function reorder(context: ServerContext, records: StoredRecord[]): StoredRecord[] {
  const shuffled = context.pageRng.shuffle(records);
  return shuffled.every((record, index) => record === records[index]) ? [...records].reverse() : shuffled;
}

/** Answers one page for `device`, with page faults applied. */
export function buildPage(
  context: ServerContext,
  device: string,
  route: ServerRoute,
  query: PageQuery,
  limit: number,
  /** The request's query string, for rules that match on it. */
  params?: URLSearchParams,
): Reply {
  let records = select(context, query, limit);
  const fired = context.faults.decide(
    'page',
    { device, route, kinds: [], ...(params ? { query: params } : {}) },
    (fault) => applies(context, query, records, fault),
  );
  const fault = fired?.fault;
  if (fault?.type === 'short-page') records = records.slice(0, fault.limit);
  const overlap = fault?.type === 'overlapping-page';
  const nextPosition = positionAfter(query, records, overlap ? records.length - 1 : records.length);
  let handedOut = fault?.type === 'changes-out-of-order' ? reorder(context, records) : records;
  if (fault?.type === 'stale-delta') {
    // A lagging replica's late delta: an older version of one record, after its current one.
    const candidates = staleCandidates(context, query, records);
    const stale = context.store.previousOf(context.pageRng.pick(candidates)) as StoredRecord;
    handedOut = [...records, stale];
  }
  const mode: ChangesMode = query.mode;
  context.history.changes(device, mode, handedOut);
  if (fault?.type === 'write-between-pages') {
    context.automation.writeMarker(records.find((record) => !record.deleted) as StoredRecord);
  }
  if (fault?.type === 'checkpoint-tie') {
    const last = records[records.length - 1] as StoredRecord;
    context.automation.writeMarker(context.store.firstLiveAfter(last) as StoredRecord, last.updatedAtServer);
  }
  const page: ChangesPage = {
    changes: handedOut.map(toWire),
    next: encode(nextPosition),
    hasMore: pageHasRecords(context, nextPosition),
  };
  if (query.mode !== 'snapshot') return { status: 200, body: page };
  const body: SnapshotPage = { ...page, since: encodeSeqCursor(query.position.startSeq) };
  return { status: 200, body };
}
