/**
 * Goal: a pull that carries a subscription hands out only the records it takes, a record
 * that left it as a distinct moved-out change (not a delete), tombstones of the collections it
 * names, and nothing of the others; its cursor moves past what it skipped; a pull without a
 * subscription is unchanged. Method: write through the ops endpoint, pull `/changes` and
 * `/snapshot` with and without `subscription=<json>`, compare the pages.
 */
import { describe, expect, test } from 'vitest';
import type { ChangesPage, ErrorBody } from '../../src/server/index.ts';
import { subscriptionCovers } from '../../src/server/subscription.ts';
import { Harness } from './harness.ts';

const OPEN_TASKS = encodeURIComponent(JSON.stringify([{ collection: 'tasks', field: 'done', values: [false] }]));

async function world(): Promise<Harness> {
  const h = new Harness();
  await h.op(h.create('notes', 'n1', [{ op: 'set', field: 'title', value: 'a note' }]));
  await h.op(h.create('tasks', 't1', [{ op: 'set', field: 'done', value: false }]));
  await h.op(h.create('tasks', 't2', [{ op: 'set', field: 'done', value: true }]));
  await h.op(h.create('tasks', 't3', [{ op: 'set', field: 'done', value: false }]));
  return h;
}

describe('subscriptions: filtered pulls', () => {
  test('only records the subscription takes; the cursor moves past the skipped ones', async () => {
    const h = await world();
    const page = await h.call<ChangesPage>('GET', `/changes?subscription=${OPEN_TASKS}&limit=1`);
    expect(page.body.changes.map((record) => record.id)).toEqual(['t1']);
    expect(page.body.hasMore).toBe(true);
    const rest = await h.call<ChangesPage>('GET', `/changes?since=${page.body.next}&subscription=${OPEN_TASKS}`);
    // t2 is a live task outside the subscription: a moved-out change (the device may hold it).
    expect(rest.body.changes.map((record) => [record.id, record.movedOut ?? false])).toEqual([
      ['t2', true],
      ['t3', false],
    ]);
    expect(rest.body.changes[0]).toMatchObject({ deleted: false, fields: {}, rev: 1 });
    expect(rest.body).toMatchObject({ hasMore: false, next: 'c4' });
    const all = await h.call<ChangesPage>('GET', '/changes');
    expect(all.body.changes.map((record) => record.id)).toEqual(['n1', 't1', 't2', 't3']);
    expect(all.body.changes.some((record) => 'movedOut' in record)).toBe(false);
  });

  test('a record that leaves the subscription comes as moved out, a deleted one as a tombstone', async () => {
    const h = await world();
    const start = await h.call<ChangesPage>('GET', `/changes?subscription=${OPEN_TASKS}`);
    await h.op(h.update('tasks', 't1', 1, [{ op: 'set', field: 'done', value: true }]));
    await h.op(h.remove('tasks', 't3', 1));
    await h.op(h.update('notes', 'n1', 1, [{ op: 'set', field: 'title', value: 'other' }]));
    const delta = await h.call<ChangesPage>('GET', `/changes?since=${start.body.next}&subscription=${OPEN_TASKS}`);
    expect(delta.body.changes).toEqual([
      expect.objectContaining({ id: 't1', rev: 2, deleted: false, movedOut: true, fields: {} }),
      expect.objectContaining({ id: 't3', rev: 2, deleted: true }),
    ]);
    expect(delta.body.changes[1]).not.toHaveProperty('movedOut');
    const recorded = h.eventData('server.changes').at(-1)?.records;
    expect(recorded).toEqual([
      { collection: 'tasks', id: 't1', rev: 2, deleted: false, movedOut: true },
      { collection: 'tasks', id: 't3', rev: 2, deleted: true },
    ]);
  });

  test('a snapshot is filtered the same way; a whole collection rule takes every record of it', async () => {
    const h = await world();
    const notes = encodeURIComponent(JSON.stringify([{ collection: 'notes' }]));
    const snapshot = await h.call<ChangesPage>('GET', `/snapshot?subscription=${notes}`);
    expect(snapshot.body.changes.map((record) => record.id)).toEqual(['n1']);
  });

  test('a malformed subscription is a 400 naming the parameter', async () => {
    const h = await world();
    for (const bad of ['{', '[{"collection":"tasks","field":"done"}]', '[{"collection":"Tasks"}]', '{"a":1}']) {
      const answer = await h.call<ErrorBody>('GET', `/changes?subscription=${encodeURIComponent(bad)}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'bad-request', reason: 'bad-subscription', path: 'subscription' });
    }
    const everything = await h.call<ChangesPage>('GET', '/changes?subscription=null');
    expect(everything.body.changes).toHaveLength(4);
  });

  test('widening is told apart from narrowing', () => {
    const tasks = [{ collection: 'tasks' }];
    const open = [{ collection: 'tasks', field: 'done', values: [false] }];
    expect(subscriptionCovers(tasks, open)).toBe(true);
    expect(subscriptionCovers(open, tasks)).toBe(false);
    expect(subscriptionCovers(undefined, open)).toBe(true);
    expect(subscriptionCovers(open, null)).toBe(false);
    expect(subscriptionCovers(open, [...open, { collection: 'notes' }])).toBe(false);
  });
});
