/**
 * Goal: `GET /changes` hands out every change after a position exactly once per change of
 * position, in order, tombstones included, in cursor and checkpoint mode, and long-poll holds
 * the answer in virtual time until a change arrives or the timeout passes.
 * Method: write through the ops endpoint, page with small limits, interleave writes between
 * page fetches (seeded), and compare what a paging reader ends with against server.records().
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/kernel/rng.ts';
import type { ChangesPage, ErrorBody, ServerRecord } from '../../src/server/index.ts';
import { type Answer, Harness } from './harness.ts';

async function seed(h: Harness, count: number): Promise<void> {
  for (let index = 0; index < count; index++)
    await h.op(h.create('notes', `n${index}`, [{ op: 'set', field: 'i', value: index }]));
}

describe('cursor mode', () => {
  test('pages in change order with next and hasMore; the last next returns an empty page', async () => {
    const h = new Harness();
    await seed(h, 5);
    const first = await h.call<ChangesPage>('GET', '/changes?limit=2');
    expect(first.body.changes.map((record) => record.id)).toEqual(['n0', 'n1']);
    expect(first.body.hasMore).toBe(true);
    const second = await h.call<ChangesPage>('GET', `/changes?since=${first.body.next}&limit=2`);
    expect(second.body.changes.map((record) => record.id)).toEqual(['n2', 'n3']);
    const third = await h.call<ChangesPage>('GET', `/changes?since=${second.body.next}&limit=2`);
    expect(third.body).toMatchObject({ hasMore: false });
    expect(third.body.changes.map((record) => record.id)).toEqual(['n4']);
    const empty = await h.call<ChangesPage>('GET', `/changes?since=${third.body.next}`);
    expect(empty.body).toEqual({ changes: [], next: third.body.next, hasMore: false });
    expect(h.eventData('server.changes')[0]).toEqual({
      device: 'A',
      mode: 'cursor',
      records: [
        { collection: 'notes', id: 'n0', rev: 1, deleted: false },
        { collection: 'notes', id: 'n1', rev: 1, deleted: false },
      ],
    });
  });

  test('a record changed twice appears once, at its latest state and position; tombstones included', async () => {
    const h = new Harness();
    await seed(h, 3);
    const start = await h.call<ChangesPage>('GET', '/changes');
    await h.op(h.update('notes', 'n0', 1, [{ op: 'set', field: 'i', value: 10 }]));
    await h.op(h.update('notes', 'n0', 2, [{ op: 'set', field: 'i', value: 20 }]));
    await h.op(h.remove('notes', 'n1', 1));
    const delta = await h.call<ChangesPage>('GET', `/changes?since=${start.body.next}`);
    expect(delta.body.changes).toEqual([
      expect.objectContaining({ id: 'n0', rev: 3, fields: { i: 20 }, deleted: false }),
      expect.objectContaining({ id: 'n1', rev: 2, fields: {}, deleted: true }),
    ]);
    const all = await h.call<ChangesPage>('GET', '/changes');
    expect(all.body.changes.map((record) => record.id)).toEqual(['n2', 'n0', 'n1']);
  });

  test('bad cursors, limits and parameter mixes are 400s; a large limit is clamped', async () => {
    const h = new Harness({ config: { pageLimitMax: 3 } });
    await seed(h, 5);
    const cases: Array<[string, string, string]> = [
      ['/changes?since=garbage', 'bad-cursor', 'since'],
      ['/changes?since=c99', 'bad-cursor', 'since'],
      ['/changes?checkpoint=12', 'bad-cursor', 'checkpoint'],
      ['/changes?limit=0', 'bad-limit', 'limit'],
      ['/changes?limit=-1', 'bad-limit', 'limit'],
      ['/changes?live=maybe', 'bad-live', 'live'],
      ['/changes?since=c1&checkpoint=', 'conflicting-params', 'checkpoint'],
    ];
    for (const [path, reason, field] of cases) {
      const answer = await h.call<ErrorBody>('GET', path);
      expect([path, answer.status, answer.body]).toEqual([path, 400, { error: 'bad-request', reason, path: field }]);
    }
    const clamped = await h.call<ChangesPage>('GET', '/changes?limit=1000');
    expect(clamped.body.changes).toHaveLength(3);
  });
});

describe('checkpoint mode', () => {
  test('pages by (updatedAtServer, collection, id); next is the last record checkpoint', async () => {
    const h = new Harness();
    await h.op(h.create('tasks', 'b'));
    await h.op(h.create('notes', 'z'));
    await h.advance(10);
    await h.op(h.update('tasks', 'b', 1, [{ op: 'set', field: 'done', value: true }]));
    const first = await h.call<ChangesPage>('GET', '/changes?checkpoint=&limit=1');
    expect(first.body.changes.map((record) => record.id)).toEqual(['z']);
    const epoch = Date.UTC(2026, 0, 1);
    expect(first.body.next).toBe(`${epoch + 1}:notes:z`);
    const rest = await h.call<ChangesPage>('GET', `/changes?checkpoint=${encodeURIComponent(first.body.next)}`);
    expect(rest.body.changes.map((record) => [record.id, record.rev])).toEqual([['b', 2]]);
    expect(rest.body.hasMore).toBe(false);
    expect(h.eventData('server.changes').map((event) => event.mode)).toEqual(['checkpoint', 'checkpoint']);
  });

  test('a checkpoint the client builds itself from a record works like the one handed out', async () => {
    const h = new Harness();
    await seed(h, 4);
    const all = await h.call<ChangesPage>('GET', '/changes?checkpoint=');
    const second = all.body.changes[1] as ServerRecord;
    const built = `${second.updatedAtServer}:${second.collection}:${second.id}`;
    const rest = await h.call<ChangesPage>('GET', `/changes?checkpoint=${encodeURIComponent(built)}`);
    expect(rest.body.changes.map((record) => record.id)).toEqual(['n2', 'n3']);
  });
});

describe('paging with concurrent writes skips nothing', () => {
  /** Pages to the end while a writer changes records between fetches; returns the reader's view. */
  async function pageThroughWrites(
    h: Harness,
    mode: 'since' | 'checkpoint',
    rng: Rng,
  ): Promise<Map<string, ServerRecord>> {
    const view = new Map<string, ServerRecord>();
    let position = '';
    let revs = new Map<string, number>();
    for (let round = 0; round < 200; round++) {
      const answer: Answer<ChangesPage> = await h.call(
        'GET',
        `/changes?${mode}=${encodeURIComponent(position)}&limit=3`,
        { device: 'R' },
      );
      for (const record of answer.body.changes) view.set(record.id, record);
      position = answer.body.next;
      if (!answer.body.hasMore && round > 20) break;
      for (let writes = rng.int(0, 3); writes > 0; writes--) {
        const id = `n${rng.int(0, 14)}`;
        const rev = revs.get(id);
        if (rev === undefined)
          await h.op(h.create('notes', id, [{ op: 'set', field: 'v', value: round }]), { device: 'W' });
        else if (rng.chance(0.2)) await h.op(h.remove('notes', id, rev), { device: 'W' });
        else await h.op(h.update('notes', id, rev, [{ op: 'inc', field: 'v', by: 1 }]), { device: 'W' });
        revs = new Map(
          h.server
            .records()
            .filter((record) => !record.deleted)
            .map((record) => [record.id, record.rev]),
        );
        if (rng.chance(0.3)) await h.advance(rng.int(0, 2));
      }
    }
    return view;
  }

  for (const mode of ['since', 'checkpoint'] as const) {
    test(`${mode}: after the last page the reader holds every record at its final state`, async () => {
      for (const seedValue of [1, 2, 3, 4, 5]) {
        const h = new Harness();
        await seed(h, 6);
        const view = await pageThroughWrites(h, mode, new Rng(seedValue));
        const expected = new Map(h.server.records().map((record) => [record.id, record]));
        expect(view).toEqual(expected);
      }
    });
  }
});

describe('long-poll', () => {
  function track<T>(promise: Promise<T>): { done: () => boolean; promise: Promise<T> } {
    let settled = false;
    const tracked = promise.then((value) => {
      settled = true;
      return value;
    });
    return { done: () => settled, promise: tracked };
  }

  test('answers as soon as a change arrives, in virtual time', async () => {
    const h = new Harness();
    await seed(h, 1);
    const token = await h.login('A');
    const poll = track(h.call<ChangesPage>('GET', '/changes?since=c1&live=true', { token }));
    await h.advance(5_000);
    expect(poll.done()).toBe(false);
    expect(h.server.longPollsHeld).toBe(1);
    await h.op(h.update('notes', 'n0', 1, [{ op: 'set', field: 'i', value: 1 }]), { device: 'B' });
    await h.advance(0);
    const answer = await poll.promise;
    expect(answer.body.changes.map((record) => [record.id, record.rev])).toEqual([['n0', 2]]);
    expect(h.events('server.changes').at(-1)?.t).toBe(5_000);
    expect(h.server.longPollsHeld).toBe(0);
  });

  test('answers an empty page with next unchanged when the timeout passes', async () => {
    const h = new Harness({ config: { longPollTimeoutMs: 30_000 } });
    await seed(h, 1);
    const token = await h.login('A');
    const poll = track(h.call<ChangesPage>('GET', '/changes?since=c1&live=true', { token }));
    await h.advance(29_999);
    expect(poll.done()).toBe(false);
    await h.advance(1);
    expect(await poll.promise).toMatchObject({ status: 200, body: { changes: [], next: 'c1', hasMore: false } });
    expect(h.events('server.changes').at(-1)?.t).toBe(30_000);
  });

  test('works in checkpoint mode too: held until a change sorts after the checkpoint', async () => {
    const h = new Harness();
    await seed(h, 2);
    const all = await h.call<ChangesPage>('GET', '/changes?checkpoint=');
    const token = await h.login('A');
    const poll = track(
      h.call<ChangesPage>('GET', `/changes?checkpoint=${encodeURIComponent(all.body.next)}&live=1`, { token }),
    );
    await h.advance(1_000);
    expect(poll.done()).toBe(false);
    await h.op(h.remove('notes', 'n0', 1), { device: 'B' });
    await h.advance(0);
    expect((await poll.promise).body.changes).toEqual([expect.objectContaining({ id: 'n0', deleted: true })]);
  });

  test('answers at once when changes already exist, and is released by an abort', async () => {
    const h = new Harness();
    await seed(h, 1);
    const now = await h.call<ChangesPage>('GET', '/changes?live=true');
    expect(now.body.changes).toHaveLength(1);
    const controller = new AbortController();
    const token = await h.login('A');
    const request = new Request('http://sync.test/changes?since=c1&live=true', {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const held = h.server.handle(request, { deviceId: 'A' });
    await h.advance(10);
    expect(h.server.longPollsHeld).toBe(1);
    controller.abort();
    expect((await held).status).toBe(200);
    expect(h.server.longPollsHeld).toBe(0);
  });
});
