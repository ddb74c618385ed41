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
import { filteredHasRecords, selectFiltered } from './filtered-pages.ts';
import type { ChangesMode } from './protocol.ts';
import { type Reply, textReply } from './responses.ts';
import type { CheckpointKey, StoredRecord } from './store.ts';
import { inSubscription, type Subscription } from './subscription.ts';
import { wireText } from './wire-json.ts';

export type PageQuery =
  | { mode: 'cursor'; since: number }
  | { mode: 'checkpoint'; after: CheckpointKey | null }
  | { mode: 'snapshot'; position: SnapshotPosition };

/** Whether the query's page would hold at least one record now (long-poll readiness). */
export function pageHasRecords(context: ServerContext, query: PageQuery, subscription?: Subscription): boolean {
  if (subscription !== undefined) return filteredHasRecords(context, query, subscription);
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

function applies(
  context: ServerContext,
  query: PageQuery,
  records: readonly StoredRecord[],
  fault: ServerFault,
  subscription?: Subscription,
) {
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
      return staleCandidates(context, query, records, subscription).length > 0;
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
function staleCandidates(
  context: ServerContext,
  query: PageQuery,
  records: readonly StoredRecord[],
  subscription?: Subscription,
): StoredRecord[] {
  const before =
    query.mode === 'cursor'
      ? context.store
          .changesAfterSeq(Math.max(0, query.since - STALE_REACH), STALE_REACH)
          .records.filter((record) => record.seq <= query.since)
      : [];
  const candidates = [...before, ...records].filter((record) => context.store.previousOf(record) !== undefined);
  return subscription === undefined
    ? candidates
    : candidates.filter((record) => staleInSubscription(context, record, subscription));
}

/** A subscribed device is shown stale versions only of records in its subscription now and then. */
function staleInSubscription(context: ServerContext, record: StoredRecord, subscription: Subscription): boolean {
  const previous = context.store.previousOf(record) as StoredRecord;
  const inside = (version: StoredRecord) =>
    !version.deleted && inSubscription(subscription, version.collection, version.fields);
  return (
    record.movedOut !== true &&
    inside(context.store.get(record.collection, record.id) as StoredRecord) &&
    inside(previous)
  );
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
  /** The device's subscription, when its pull carries one (filtered-pages.ts). */
  subscription?: Subscription,
): Reply {
  const filtered = subscription === undefined ? undefined : selectFiltered(context, query, limit, subscription);
  let records = filtered === undefined ? select(context, query, limit) : filtered.entries.map((entry) => entry.record);
  const fired = context.faults.decide(
    'page',
    { device, route, kinds: [], ...(params ? { query: params } : {}) },
    (fault) => applies(context, query, records, fault, subscription),
  );
  const fault = fired?.fault;
  if (fault?.type === 'short-page') records = records.slice(0, fault.limit);
  const overlap = fault?.type === 'overlapping-page';
  const count = overlap ? records.length - 1 : records.length;
  const nextPosition =
    filtered === undefined
      ? positionAfter(query, records, count)
      : count === filtered.entries.length
        ? filtered.end
        : (filtered.entries[count - 1]?.after ?? query);
  let handedOut = fault?.type === 'changes-out-of-order' ? reorder(context, records) : records;
  if (fault?.type === 'stale-delta') {
    // A lagging replica's late delta: an older version of one record, after its current one.
    const candidates = staleCandidates(context, query, records, subscription);
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
  const next = encode(nextPosition);
  const hasMore = pageHasRecords(context, nextPosition, subscription);
  const since = query.mode === 'snapshot' ? encodeSeqCursor(query.position.startSeq) : undefined;
  const page = pageText(handedOut, next, hasMore, since);
  return textReply(200, page.text, page.bytes);
}

/**
 * The JSON of a ChangesPage (a SnapshotPage when `since` is given), byte for byte what
 * `JSON.stringify` makes of `{changes: records.map(toWire), next, hasMore, since?}`, with
 * each record's text made once per version (wire-json.ts) rather than once per device.
 */
export function pageJson(records: readonly StoredRecord[], next: string, hasMore: boolean, since?: string): string {
  return pageText(records, next, hasMore, since).text;
}

/** `pageJson` and its UTF-8 byte length, counted from the parts (the text is not flattened to measure it). */
export function pageText(
  records: readonly StoredRecord[],
  next: string,
  hasMore: boolean,
  since?: string,
): { text: string; bytes: number } {
  const head = '{"changes":[';
  let changes = '';
  let bytes = head.length + Math.max(0, records.length - 1);
  for (let index = 0; index < records.length; index++) {
    const wire = wireText(records[index] as StoredRecord);
    changes += (index === 0 ? '' : ',') + wire.text;
    bytes += wire.bytes;
  }
  const tail = `],"next":${JSON.stringify(next)},"hasMore":${hasMore}${since === undefined ? '' : `,"since":${JSON.stringify(since)}`}}`;
  return { text: head + changes + tail, bytes: bytes + Buffer.byteLength(tail) };
}
