/**
 * @module check/view-changes
 * What changed between one view of a device and its previous one, by record identity: the
 * trace decoder hands records a device's previous view showed unchanged to the next view as
 * the same (frozen) objects, so a checker can look at what changed instead of every record
 * of every view. Per view: the records `added` (in view order) and `removed` (in previous
 * view order), such that the previous view's records minus `removed` plus `added` are this
 * view's records as a multiset of objects (a record found in both may still be listed as
 * removed and added: that is always correct, only slower); whether the view lists every
 * key once; and per key, the views that show it.
 */
import type { LocalRecord } from '../client/contract.ts';
import type { DeviceHistory, DeviceView } from './history.ts';
import { keyOf } from './record-keys.ts';
import type { RecordKey } from './values.ts';

export interface ViewChange {
  view: DeviceView;
  added: LocalRecord[];
  removed: LocalRecord[];
  /** True when no key is listed twice in this view. */
  uniqueKeys: boolean;
}

export interface DeviceViewChanges {
  changes: ViewChange[];
  /**
   * Per key, the view indexes where it starts and stops being shown, alternating
   * ([start, stop, start, ...]): shown in view i when an odd number of them are <= i.
   */
  presence: Map<RecordKey, KeyPresence>;
}

/**
 * One key's presence marks, and how many records of the latest view walked list it: one
 * entry per key, found with one lookup per added or removed record (a count and a marks
 * list in two Maps took two to four; at 1,000 devices 740,000 records are added or removed).
 */
interface KeyPresence {
  marks: number[];
  count: number;
}

/** How far ahead the identity diff looks for a record before calling it changed. */
const LOOKAHEAD = 16;

function indexIn(list: readonly LocalRecord[], item: LocalRecord, from: number): number {
  const end = Math.min(list.length, from + LOOKAHEAD);
  for (let index = from; index < end; index++) if (list[index] === item) return index;
  return -1;
}

/** `before` to `after`, by identity, in one forward walk (the decoder keeps carried items in order). */
export function diffByIdentity(before: readonly LocalRecord[], after: readonly LocalRecord[]) {
  const added: LocalRecord[] = [];
  const removed: LocalRecord[] = [];
  let [old, now] = [0, 0];
  while (old < before.length && now < after.length) {
    const [was, is] = [before[old]!, after[now]!];
    if (was === is) {
      old++;
      now++;
      continue;
    }
    const skipOld = indexIn(before, is, old + 1);
    if (skipOld >= 0) {
      for (; old < skipOld; old++) removed.push(before[old]!);
      continue;
    }
    const skipNew = indexIn(after, was, now + 1);
    if (skipNew >= 0) {
      for (; now < skipNew; now++) added.push(after[now]!);
      continue;
    }
    removed.push(was);
    added.push(is);
    old++;
    now++;
  }
  for (; old < before.length; old++) removed.push(before[old]!);
  for (; now < after.length; now++) added.push(after[now]!);
  return { added, removed };
}

function compute(device: DeviceHistory): DeviceViewChanges {
  const presence = new Map<RecordKey, KeyPresence>();
  let duplicated = 0;
  const changes: ViewChange[] = [];
  let before: readonly LocalRecord[] = [];
  device.views.forEach((view, index) => {
    const { added, removed } = diffByIdentity(before, view.records);
    for (const record of removed) {
      const entry = presence.get(keyOf(record))!;
      const count = --entry.count;
      if (count === 1) duplicated--;
      if (count === 0) entry.marks.push(index);
    }
    for (const record of added) {
      const key = keyOf(record);
      const entry = presence.get(key);
      if (entry === undefined) presence.set(key, { marks: [index], count: 1 });
      else {
        const count = ++entry.count;
        if (count === 2) duplicated++;
        if (count === 1) entry.marks.push(index);
      }
    }
    changes.push({ view, added, removed, uniqueKeys: duplicated === 0 });
    before = view.records;
  });
  return { changes, presence };
}

const cache = new WeakMap<DeviceHistory, DeviceViewChanges>();

/** The changes of each of the device's views (made once per device history and view count). */
export function viewChanges(device: DeviceHistory): DeviceViewChanges {
  let found = cache.get(device);
  if (found === undefined || found.changes.length !== device.views.length) {
    found = compute(device);
    cache.set(device, found);
  }
  return found;
}

/** True when view `index` of the device lists a record with key `key`. */
export function viewShows(changes: DeviceViewChanges, index: number, key: RecordKey): boolean {
  const marks = changes.presence.get(key)?.marks;
  if (marks === undefined) return false;
  let [low, high] = [0, marks.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (marks[middle]! <= index) low = middle + 1;
    else high = middle;
  }
  return low % 2 === 1;
}
