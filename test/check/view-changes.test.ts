// Goal: check/view-changes describes each view exactly: previous records minus `removed` plus
// `added` are the view's records (as a multiset of objects), `uniqueKeys` says whether a key
// repeats, and viewShows says which views list a key, for lists that share objects the way
// the trace decoder does (carried items in order) and for lists that do not.
import { describe, expect, test } from 'vitest';
import type { DeviceHistory, DeviceView } from '../../src/check/history.ts';
import { diffByIdentity, viewChanges, viewShows } from '../../src/check/view-changes.ts';
import type { LocalRecord } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';

const record = (id: string): LocalRecord =>
  Object.freeze({ collection: 'notes', id, rev: 1, status: 'synced', fields: Object.freeze({}) }) as LocalRecord;

function counts(list: readonly LocalRecord[]): Map<LocalRecord, number> {
  const out = new Map<LocalRecord, number>();
  for (const item of list) out.set(item, (out.get(item) ?? 0) + 1);
  return out;
}

function views(rng: Rng, n: number): LocalRecord[][] {
  const pool = Array.from({ length: 12 }, (_, index) => record(String(index % 9)));
  const out: LocalRecord[][] = [];
  let current: LocalRecord[] = [];
  for (let step = 0; step < n; step++) {
    const next = current.filter(() => rng.int(0, 4) > 0);
    for (let add = rng.int(0, 5); add > 0; add--) next.splice(rng.int(0, next.length), 0, pool[rng.int(0, 11)]!);
    out.push(next);
    current = next;
  }
  return out;
}

describe('view-changes', () => {
  test('previous minus removed plus added is the view, keys counted, presence per view', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const lists = views(new Rng(String(seed)), 12);
      const device = {
        device: 'd1',
        views: lists.map((records, index) => ({ type: 'device.view', seq: index, records }) as unknown as DeviceView),
      } as DeviceHistory;
      const changes = viewChanges(device);
      let before: LocalRecord[] = [];
      lists.forEach((after, index) => {
        const { added, removed } = diffByIdentity(before, after);
        const expected = counts(after);
        const got = counts(before);
        for (const item of removed) got.set(item, got.get(item)! - 1);
        for (const item of added) got.set(item, (got.get(item) ?? 0) + 1);
        for (const [item, count] of got) if (count === 0) got.delete(item);
        expect(got).toEqual(expected);
        const ids = after.map((item) => `${item.collection}/${item.id}`);
        expect(changes.changes[index]!.uniqueKeys).toBe(new Set(ids).size === ids.length);
        for (let id = 0; id < 9; id++)
          expect(viewShows(changes, index, `notes/${id}`)).toBe(ids.includes(`notes/${id}`));
        before = after;
      });
    }
  });
});
