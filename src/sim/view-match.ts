/**
 * @module sim/view-match
 * Whether a device shows exactly the server's live records: what heal asks of every device
 * after every slice of its convergence stretch (at 1,000 devices, thousands of records per
 * device, each time).
 *
 * Records are found by collection, then id, with no key string made per record, and what a
 * view shows is marked on the live records themselves (a generation stamp), not gathered in
 * a map per view. The answer is the one of matching by `collection/id` keys (`viewMatchesByKey`, kept
 * for views where the two could differ: a collection whose name holds a `/`, where two
 * records can share a key).
 */
import { sameFields } from '../check/values.ts';
import type { LocalRecord } from '../client/contract.ts';
import type { Fields, ServerRecord } from '../server/protocol.ts';
import { inSubscription, type Subscription } from '../server/subscription.ts';
import type { DeviceView } from './views.ts';

interface LiveRecord {
  key: string;
  fields: Fields;
  /** The generation of the last view that showed it, and the fields it showed (the last listing). */
  seen: number;
  shown: Fields | undefined;
}

interface LiveIndex {
  /** By collection, then id. */
  records: Map<string, Map<string, LiveRecord>>;
  all: LiveRecord[];
  /** By `collection/id`, as `viewMatchesByKey` matches. */
  byKey: Map<string, Fields>;
  /** A collection name holds a `/`. */
  slashed: boolean;
}

/** Per server snapshot, its live records when the device syncs everything (one index for all devices). */
const liveOfSnapshot = new WeakMap<readonly ServerRecord[], LiveIndex>();
let generation = 0;

/** The live server records a device with `subscription` must show. */
function liveIndex(server: readonly ServerRecord[], subscription?: Subscription | null): LiveIndex {
  const everything = subscription === undefined || subscription === null;
  const cached = everything ? liveOfSnapshot.get(server) : undefined;
  if (cached !== undefined) return cached;
  const index: LiveIndex = { records: new Map(), all: [], byKey: new Map(), slashed: false };
  for (const record of server) {
    // A subscribed device is expected to hold the records of its subscription only.
    if (record.deleted || !inSubscription(subscription, record.collection, record.fields)) continue;
    const key = `${record.collection}/${record.id}`;
    index.byKey.set(key, record.fields);
    if (record.collection.includes('/')) index.slashed = true;
    let ids = index.records.get(record.collection);
    if (ids === undefined) index.records.set(record.collection, (ids = new Map()));
    const live: LiveRecord = { key, fields: record.fields, seen: 0, shown: undefined };
    // A record listed twice by the server: the last one counts, as in `viewMatchesByKey`.
    const earlier = ids.get(record.id);
    if (earlier !== undefined) index.all.splice(index.all.indexOf(earlier), 1);
    ids.set(record.id, live);
    index.all.push(live);
  }
  if (everything) liveOfSnapshot.set(server, index);
  return index;
}

/**
 * Whether a device shows exactly the server's live records, conflicts aside, with nothing
 * pending. Fields compare as the convergence checker compares them (`sameFields`: an absent
 * field equals null, sets compare as sets), so heal never nudges a device that had converged.
 */
export function viewMatchesServer(
  view: DeviceView,
  server: readonly ServerRecord[],
  subscription?: Subscription | null,
): boolean {
  if (view.pending > 0) return false;
  const contested = contestedKeys(view);
  const live = liveIndex(server, subscription);
  if (live.slashed || !view.records.every(plainlyKeyed)) return matchesByKey(view, live.byKey, subscription, contested);
  const stamp = ++generation;
  for (const record of view.records) {
    const match = live.records.get(record.collection)?.get(record.id);
    if (match !== undefined) {
      match.seen = stamp;
      match.shown = record.fields;
    } else if (
      // Shown but not live: a mismatch, unless outside the subscription or contested.
      inSubscription(subscription, record.collection, record.fields) &&
      !contested.has(`${record.collection}/${record.id}`)
    )
      return false;
  }
  for (const match of live.all) {
    if (contested.size > 0 && contested.has(match.key)) continue;
    if (match.seen !== stamp || match.shown === undefined || !sameFields(match.fields, match.shown)) return false;
  }
  return true;
}

/** A record whose `collection/id` key names it alone (a collection without `/`). */
function plainlyKeyed(record: LocalRecord): boolean {
  return typeof record.collection === 'string' && typeof record.id === 'string' && !record.collection.includes('/');
}

/**
 * The same question, records matched by their `collection/id` keys: how heal matched views
 * until session 9 (test/sim/view-match.test.ts holds the two to the same answers).
 */
export function viewMatchesByKey(
  view: DeviceView,
  server: readonly ServerRecord[],
  subscription?: Subscription | null,
): boolean {
  if (view.pending > 0) return false;
  const live = new Map<string, Fields>();
  for (const record of server) {
    if (record.deleted || !inSubscription(subscription, record.collection, record.fields)) continue;
    live.set(`${record.collection}/${record.id}`, record.fields);
  }
  return matchesByKey(view, live, subscription, contestedKeys(view));
}

function contestedKeys(view: DeviceView): Set<string> {
  return new Set(view.conflicts.map((conflict) => `${conflict.collection}/${conflict.recordId}`));
}

function matchesByKey(
  view: DeviceView,
  live: ReadonlyMap<string, Fields>,
  subscription: Subscription | null | undefined,
  contested: ReadonlySet<string>,
): boolean {
  const shown = new Map<string, Fields>();
  for (const record of view.records) {
    const key = `${record.collection}/${record.id}`;
    if (!inSubscription(subscription, record.collection, record.fields) && !live.has(key)) continue;
    shown.set(key, record.fields);
  }
  // Every key live or shown: a key shown but not live, and not contested, is a mismatch.
  for (const [key, expected] of live) {
    if (contested.has(key)) continue;
    const actual = shown.get(key);
    if (actual === undefined || !sameFields(expected, actual)) return false;
  }
  for (const key of shown.keys()) if (!live.has(key) && !contested.has(key)) return false;
  return true;
}
