/**
 * @module check/invariants/stuck-downloads
 * Part of liveness: a device whose downloads stay blocked. A record's newest version that the
 * server held when heal began was available to every device for the whole heal phase; a
 * device that was still not handed it when heal ended (by a `/changes` or `/snapshot` page,
 * or by the answer to its own write), and that was handed no newer record at all during
 * heal, not even an empty page (the server's "you are up to date"), has a change feed that
 * makes no progress: its cursor is stuck (a feed that died on an error, a cursor the server
 * forgot and the client keeps sending). The bound is the heal
 * phase itself: its auto stretch, the manual sync rounds and the final pulls.
 *
 * Only live records count (a tombstone the client never needs, or one compaction purged, is
 * not a download), and only in collections the device was ever handed a record of, showed
 * or wrote to (a client that syncs a subset of the collections is not stuck on the others),
 * and, for a device that subscribed (partial sync), only records of its final subscription.
 */
import type { TraceEvent } from '../../kernel/trace.ts';
import type { Fields } from '../../server/protocol.ts';
import { inSubscription } from '../../server/subscription.ts';
import type { History } from '../history.ts';
import { viewChanges } from '../view-changes.ts';
import { type Violation, violation } from '../violation.ts';

interface Handed {
  collection: string;
  id: string;
  rev: number;
}

type HandedPage = { seq: number; records: Handed[]; page: boolean };

/**
 * Every record version handed to each device, with the seq it was handed at, in one pass
 * over the events (one pass per device was a tenth of a 1,000-device run).
 */
function handedOutByDevice(history: History): Map<string, HandedPage[]> {
  const byDevice = new Map<string, HandedPage[]>();
  const add = (device: unknown, handed: HandedPage) => {
    const list = byDevice.get(device as string);
    if (list === undefined) byDevice.set(device as string, [handed]);
    else list.push(handed);
  };
  for (const event of history.events) {
    if (event.type === 'server.changes') {
      add(event.device, { seq: event.seq, records: (event.records as Handed[]) ?? [], page: true });
    } else if (event.type === 'server.apply') {
      const rev = Number(event.revAfter);
      const records = [{ collection: String(event.collection), id: String(event.id), rev }];
      add(event.device, { seq: event.seq, records, page: false });
    }
  }
  return byDevice;
}

interface ServerVersion {
  rev: number;
  deleted: boolean;
  seq: number;
  fields: Fields;
}

/** The newest server version of each record at `seq` (live or not). */
function serverAt(history: History, seq: number): Map<string, ServerVersion> {
  const newest = new Map<string, ServerVersion>();
  for (const apply of history.applies) {
    if (apply.seq > seq) break;
    const version = { rev: apply.revAfter, deleted: apply.deleted, seq: apply.seq, fields: apply.fields };
    newest.set(`${apply.collection}/${apply.id}`, version);
  }
  return newest;
}

function phaseSeq(history: History, name: string, fallback?: TraceEvent): number | undefined {
  return history.phases.find((phase) => phase.phase === name)?.seq ?? fallback?.seq;
}

export function stuckDownloads(history: History): Violation[] {
  const healStart = phaseSeq(history, 'heal');
  const quiet = history.events.find((event) => event.type === 'sim.quiet');
  const healEnd = quiet?.seq ?? phaseSeq(history, 'check');
  if (healStart === undefined || healEnd === undefined) return [];
  // A history without pages (hand-made, or a server that records none) says nothing about downloads.
  if (!history.events.some((event) => event.type === 'server.changes')) return [];
  const available = serverAt(history, healStart);
  const latest = serverAt(history, healEnd);
  const violations: Violation[] = [];
  // A further app instance (`d#2`, its device.start names `of`) shares its device's storage:
  // the device's downloads are judged on the device; the instance's view on convergence.
  const instances = new Set(
    history.events.flatMap((event) => (event.type === 'device.start' && 'of' in event ? [event.device] : [])),
  );
  const handedByDevice = handedOutByDevice(history);
  for (const device of history.byDevice.values()) {
    if (instances.has(device.device)) continue;
    const handed = handedByDevice.get(device.device) ?? [];
    // An empty page in heal settles it (see below) before anything else is looked at: at
    // 1,000 devices the device's earlier pages hold some 700 records each, 700,000 in all.
    if (handed.some((page) => page.page && page.seq > healStart && page.seq < healEnd && page.records.length === 0))
      continue;
    const collections = new Set(device.writes.map((write) => ('collection' in write ? write.collection : '')));
    // Every record any view shows is in the first view or added by a later one (check/view-changes).
    for (const change of viewChanges(device).changes)
      for (const record of change.added) collections.add(record.collection);
    const best = new Map<string, number>();
    let progressedInHeal = false;
    for (const page of handed) {
      if (page.seq >= healEnd) break;
      // An empty page says "you are up to date": the cursor is past everything, so the feed is
      // not blocked (a change it skipped is convergence's business).
      const inHeal = page.page && page.seq > healStart;
      if (inHeal && page.records.length === 0) progressedInHeal = true;
      for (const record of page.records) {
        const key = `${record.collection}/${record.id}`;
        collections.add(record.collection);
        // Only a page is a download; the answer to the device's own write is an upload's.
        if (inHeal && record.rev > (best.get(key) ?? 0)) progressedInHeal = true;
        best.set(key, Math.max(best.get(key) ?? 0, record.rev));
      }
    }
    if (progressedInHeal) continue;
    // What the device shows in the end counts as received, however it got there.
    const final = device.views.filter((view) => view.reason === 'final').at(-1);
    for (const record of final?.records ?? []) {
      const key = `${record.collection}/${record.id}`;
      if (record.rev !== null && record.rev > (best.get(key) ?? 0)) best.set(key, record.rev);
    }
    // A subscribed device needs only the records of its subscription (then and at the end).
    const subscription = history.final?.subscriptions.get(device.device);
    const needed = (collection: string, version: ServerVersion | undefined) =>
      version !== undefined && !version.deleted && inSubscription(subscription, collection, version.fields);
    const missed = [...available].filter(([key, version]) => {
      const collection = key.slice(0, key.indexOf('/'));
      const wanted = needed(collection, version) && needed(collection, latest.get(key));
      return collections.has(collection) && wanted && (best.get(key) ?? 0) < version.rev;
    });
    if (missed.length === 0) continue;
    const [key, version] = missed[0] as [string, { rev: number; seq: number }];
    const message = `${device.device}'s downloads stayed blocked through the heal phase: it was handed no newer record while the server held ${missed.length} change(s) it never got (e.g. ${key} rev ${version.rev})`;
    violations.push(
      violation('liveness', message, [version.seq, healStart, healEnd], {
        device: device.device,
        expected: `rev >= ${version.rev} of ${key}`,
        actual: best.get(key) ?? 'never handed',
      }),
    );
  }
  return violations;
}
