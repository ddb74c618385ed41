/**
 * Goal: `GET /snapshot` pages the full state (tombstones included) in creation order, and its
 * `since` lets a client catch every write made while it paged.
 * Method: page with a small limit while writing between pages; then follow with /changes.
 */
import { expect, test } from 'vitest';
import type { ChangesPage, ErrorBody, ServerRecord, SnapshotPage } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

test('pages every record in creation order, tombstones included, with a stable since', async () => {
  const h = new Harness();
  for (const id of ['c', 'a', 'b']) await h.op(h.create('notes', id));
  await h.op(h.remove('notes', 'a', 1));
  const first = await h.call<SnapshotPage>('GET', '/snapshot?limit=2');
  expect(first.body.changes.map((record) => [record.id, record.deleted])).toEqual([
    ['c', false],
    ['a', true],
  ]);
  expect(first.body).toMatchObject({ hasMore: true, since: 'c4' });
  const second = await h.call<SnapshotPage>('GET', `/snapshot?cursor=${first.body.next}&limit=2`);
  expect(second.body).toMatchObject({ hasMore: false, since: 'c4' });
  expect(second.body.changes.map((record) => record.id)).toEqual(['b']);
  expect(h.eventData('server.changes').map((event) => event.mode)).toEqual(['snapshot', 'snapshot']);
});

test('writes made while paging are caught by /changes?since=<since> after the last page', async () => {
  const h = new Harness();
  for (let index = 0; index < 6; index++) await h.op(h.create('notes', `n${index}`));
  const view = new Map<string, ServerRecord>();
  let cursor = '';
  let since = '';
  for (let page = 0; page < 10; page++) {
    const answer = await h.call<SnapshotPage>('GET', `/snapshot?cursor=${cursor}&limit=2`);
    for (const record of answer.body.changes) view.set(record.id, record);
    ({ next: cursor, since } = answer.body);
    // A write to a record already handed out, and a new record.
    await h.op(h.update('notes', 'n0', null, [{ op: 'inc', field: 'v', by: 1 }]), { device: 'W' });
    await h.op(h.create('notes', `late${page}`), { device: 'W' });
    if (!answer.body.hasMore) break;
  }
  const delta = await h.call<ChangesPage>('GET', `/changes?since=${since}`);
  for (const record of delta.body.changes) view.set(record.id, record);
  expect(delta.body.hasMore).toBe(false);
  expect(view).toEqual(new Map(h.server.records().map((record) => [record.id, record])));
});

test('a malformed or future snapshot cursor is a 400', async () => {
  const h = new Harness();
  for (const cursor of ['x', 's9.0', 's0.5', 'c0']) {
    const answer = await h.call<ErrorBody>('GET', `/snapshot?cursor=${cursor}`);
    expect(answer.body).toEqual({ error: 'bad-request', reason: 'bad-cursor', path: 'cursor' });
  }
});
