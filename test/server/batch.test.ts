/**
 * Goal: `POST /sync/batch` processes each op as `POST /sync/ops` would, answers one result per
 * op (partial success), and applies nothing when any op is malformed.
 * Method: batches against a fresh server; assert results, records and trace events.
 */
import { expect, test } from 'vitest';
import type { BatchResponse, ConflictBody, ErrorBody, OpApplied } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

test('some ops apply while others conflict; one result per op, in order', async () => {
  const h = new Harness();
  await h.op(h.create('notes', 'n1'));
  await h.op(h.update('notes', 'n1', 1, [{ op: 'set', field: 'title', value: 'server' }]));
  const ops = [
    h.create('notes', 'n2', [{ op: 'set', field: 'title', value: 'new' }]),
    h.update('notes', 'n1', 1, [{ op: 'set', field: 'title', value: 'stale' }]),
    h.update('tasks', 'missing', 1, []),
    h.remove('notes', 'ghost', null),
  ];
  const answer = await h.call<BatchResponse>('POST', '/sync/batch', { body: { ops } });
  expect(answer.status).toBe(200);
  expect(answer.body.results.map((result) => [result.opId, result.status])).toEqual([
    [ops[0]?.opId, 201],
    [ops[1]?.opId, 409],
    [ops[2]?.opId, 404],
    [ops[3]?.opId, 200],
  ]);
  const [applied, conflicted] = answer.body.results.map((result) => result.body);
  expect((applied as OpApplied).record?.rev).toBe(1);
  expect((conflicted as ConflictBody).current.rev).toBe(2);
  expect(h.server.records().map((record) => record.id)).toEqual(['n1', 'n2']);
  expect(h.eventData('server.reject')).toEqual([
    { device: 'A', opId: ops[1]?.opId, status: 409, reason: 'stale-base-rev', collection: 'notes', id: 'n1' },
    { device: 'A', opId: ops[2]?.opId, status: 404, reason: 'unknown-record', collection: 'tasks', id: 'missing' },
  ]);
});

test('one malformed op rejects the whole batch with its path, and nothing applies', async () => {
  const h = new Harness();
  const ops = [h.create('notes', 'n1'), { ...h.create('notes', 'n2'), kind: 'bogus' }];
  const answer = await h.call<ErrorBody>('POST', '/sync/batch', { body: { ops } });
  expect(answer.status).toBe(400);
  expect(answer.body).toEqual({ error: 'bad-request', reason: 'invalid-value', path: 'ops[1].kind' });
  const unknown = await h.call<ErrorBody>('POST', '/sync/batch', {
    body: { ops: [h.create('notes', 'n3'), h.create('nope', 'n4')] },
  });
  expect(unknown.body).toEqual({ error: 'bad-request', reason: 'unknown-collection', path: 'ops[1].collection' });
  expect(h.server.records()).toEqual([]);
  expect(h.events('server.apply')).toEqual([]);
});

test('a batch replayed as a whole is applied once; the same op twice in one batch too', async () => {
  const h = new Harness();
  const op = h.create('notes', 'n1', [{ op: 'inc', field: 'c', by: 1 }]);
  const first = await h.call<BatchResponse>('POST', '/sync/batch', { body: { ops: [op, op] } });
  expect(first.body.results.map((result) => result.status)).toEqual([201, 201]);
  const again = await h.call<BatchResponse>('POST', '/sync/batch', { body: { ops: [op] } });
  expect(again.body.results[0]).toEqual(first.body.results[0]);
  expect(h.events('server.apply')).toHaveLength(1);
  expect(h.events('server.replay')).toHaveLength(2);
  expect(h.server.records()[0]?.fields).toEqual({ c: 1 });
});

test('more ops than the bound is a 400; an empty batch is an empty answer', async () => {
  const h = new Harness();
  const ops = Array.from({ length: 101 }, (_, index) => h.create('notes', `n${index}`));
  const answer = await h.call<ErrorBody>('POST', '/sync/batch', { body: { ops } });
  expect(answer.body).toEqual({ error: 'bad-request', reason: 'too-large', path: 'ops' });
  const empty = await h.call<BatchResponse>('POST', '/sync/batch', { body: { ops: [] } });
  expect(empty).toMatchObject({ status: 200, body: { results: [] } });
});
