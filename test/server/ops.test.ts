/**
 * Goal: every rule of `POST /sync/ops` in docs/protocol.md holds.
 * Method: drive the server directly with Requests; assert status, body and the server.* trace
 * events (what the checkers read), and that rejected ops leave the records untouched.
 */
import { describe, expect, test } from 'vitest';
import type { ConflictBody, ErrorBody, OpApplied } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

const title = (value: string) => [{ op: 'set' as const, field: 'title', value }];

describe('create, update, delete', () => {
  test('create answers 201 with rev 1; update and delete answer 200 with rev + 1', async () => {
    const h = new Harness();
    const created = await h.op<OpApplied>(h.create('notes', 'n1', title('a')));
    expect(created.status).toBe(201);
    expect(created.body.record).toMatchObject({ collection: 'notes', id: 'n1', rev: 1, deleted: false, fields: { title: 'a' } });
    const updated = await h.op<OpApplied>(h.update('notes', 'n1', 1, title('b')));
    expect(updated.status).toBe(200);
    expect(updated.body.record).toMatchObject({ rev: 2, fields: { title: 'b' } });
    const deleted = await h.op<OpApplied>(h.remove('notes', 'n1', 2));
    expect(deleted.status).toBe(200);
    expect(deleted.body.record).toMatchObject({ rev: 3, deleted: true, fields: {} });
    expect(h.eventData('server.apply')).toEqual([
      { device: 'A', opId: 'op-0001', collection: 'notes', id: 'n1', kind: 'create', revBefore: 0, revAfter: 1, deleted: false, fields: { title: 'a' } },
      { device: 'A', opId: 'op-0002', collection: 'notes', id: 'n1', kind: 'update', revBefore: 1, revAfter: 2, deleted: false, fields: { title: 'b' } },
      { device: 'A', opId: 'op-0003', collection: 'notes', id: 'n1', kind: 'delete', revBefore: 2, revAfter: 3, deleted: true, fields: {} },
    ]);
    expect(h.server.records()).toEqual([expect.objectContaining({ id: 'n1', rev: 3, deleted: true })]);
  });

  test('updatedAtServer is server virtual time, strictly increasing within one virtual ms', async () => {
    const h = new Harness();
    await h.advance(1_000);
    const first = await h.op<OpApplied>(h.create('notes', 'n1'));
    const second = await h.op<OpApplied>(h.create('notes', 'n2'));
    expect(first.body.record?.updatedAtServer).toBe(Date.UTC(2026, 0, 1) + 1_000);
    expect(second.body.record?.updatedAtServer).toBe(Date.UTC(2026, 0, 1) + 1_001);
  });

  test('an update with baseRev null applies on top of whatever the server holds', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    await h.op(h.update('notes', 'n1', 1, title('b')));
    const blind = await h.op<OpApplied>(h.update('notes', 'n1', null, [{ op: 'inc', field: 'n', by: 1 }]));
    expect(blind.status).toBe(200);
    expect(blind.body.record).toMatchObject({ rev: 3, fields: { title: 'b', n: 1 } });
  });
});

describe('idempotency', () => {
  test('a repeated key returns the stored answer and applies once', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1'));
    const op = h.update('notes', 'n1', 1, [{ op: 'inc', field: 'count', by: 5 }]);
    const first = await h.op<OpApplied>(op);
    const again = await h.op<OpApplied>(op, { device: 'B' });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(h.server.records()[0]?.fields).toEqual({ count: 5 });
    expect(h.events('server.apply').filter((event) => event.opId === op.opId)).toHaveLength(1);
    expect(h.eventData('server.replay')).toEqual([{ device: 'B', opId: op.opId, collection: 'notes', id: 'n1' }]);
  });

  test('the key reused with another body is a 422 and changes nothing', async () => {
    const h = new Harness();
    const op = h.create('notes', 'n1', title('a'));
    await h.op(op);
    const reused = await h.op<ErrorBody>({ ...op, patch: title('other') });
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({ error: 'idempotency-key-reused', reason: 'different-body', path: 'opId' });
    expect(h.server.records()[0]?.fields).toEqual({ title: 'a' });
    expect(h.eventData('server.reject')).toEqual([{ device: 'A', opId: op.opId, status: 422, reason: 'different-body' }]);
  });

  test('key order and whitespace do not make a body different', async () => {
    const h = new Harness();
    const op = h.create('notes', 'n1', title('a'));
    await h.op(op);
    const rawBody = `{ "patch": [{"value":"a","field":"title","op":"set"}], "baseRev": null, "kind": "create",
      "id": "n1", "collection": "notes", "opId": "${op.opId}", "extra": 1 }`;
    const again = await h.call('POST', '/sync/ops', { rawBody, headers: { 'Idempotency-Key': op.opId } });
    expect(again.status).toBe(201);
    expect(h.events('server.replay')).toHaveLength(1);
  });

  test('answers are kept for the retention window, then the key is evaluated afresh', async () => {
    const h = new Harness({ config: { idempotencyRetentionMs: 10_000 } });
    const op = h.create('notes', 'n1');
    await h.op(op);
    await h.advance(9_999);
    expect((await h.op(op)).status).toBe(201);
    await h.advance(1);
    const late = await h.op<ConflictBody>(op);
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('exists');
  });

  test('a rejected op is not stored: the same key may be retried after a conflict', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1'));
    await h.op(h.update('notes', 'n1', 1, title('x')));
    const op = h.update('notes', 'n1', 1, title('mine'));
    expect((await h.op(op)).status).toBe(409);
    const rebased = await h.op<OpApplied>({ ...op, baseRev: 2 });
    expect(rebased.status).toBe(200);
    expect(rebased.body.record?.fields).toEqual({ title: 'mine' });
  });

  test('a missing or mismatched Idempotency-Key is a 400', async () => {
    const h = new Harness();
    const op = h.create('notes', 'n1');
    const missing = await h.call<ErrorBody>('POST', '/sync/ops', { body: op });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'bad-request', reason: 'missing-idempotency-key', path: 'Idempotency-Key' });
    const mismatch = await h.op<ErrorBody>(op, { headers: { 'Idempotency-Key': 'other' } });
    expect(mismatch.body.reason).toBe('idempotency-key-mismatch');
    expect(h.server.records()).toEqual([]);
  });
});

describe('conflicts', () => {
  test('a stale baseRev is a 409 carrying the current record', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    await h.op(h.update('notes', 'n1', 1, title('b')));
    const stale = await h.op<ConflictBody>(h.update('notes', 'n1', 1, title('c')));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'conflict', reason: 'stale-base-rev', opId: 'op-0003' });
    expect(stale.body.current).toMatchObject({ rev: 2, fields: { title: 'b' } });
    expect(h.eventData('server.reject')).toEqual([{ device: 'A', opId: 'op-0003', status: 409, reason: 'stale-base-rev' }]);
  });

  test('update or delete of a tombstone is a 409 carrying the tombstone', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1'));
    await h.op(h.remove('notes', 'n1', 1));
    for (const op of [h.update('notes', 'n1', 2, title('x')), h.remove('notes', 'n1', 2)]) {
      const answer = await h.op<ConflictBody>(op);
      expect(answer.status).toBe(409);
      expect(answer.body.reason).toBe('deleted');
      expect(answer.body.current).toMatchObject({ rev: 2, deleted: true });
    }
    expect(h.events('server.apply')).toHaveLength(2);
  });

  test('a create of an existing id by another op is a 409', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    const second = await h.op<ConflictBody>(h.create('notes', 'n1', title('b')), { device: 'B' });
    expect(second.status).toBe(409);
    expect(second.body.reason).toBe('exists');
    expect(second.body.current.fields).toEqual({ title: 'a' });
  });

  test('a create with the tombstone rev as baseRev restores the record; without it, 409 deleted', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    await h.op(h.remove('notes', 'n1', 1));
    const blind = await h.op<ConflictBody>(h.create('notes', 'n1', title('b')));
    expect(blind.body.reason).toBe('deleted');
    const restored = await h.op<OpApplied>({ ...h.create('notes', 'n1', title('c')), baseRev: 2 });
    expect(restored.status).toBe(201);
    expect(restored.body.record).toMatchObject({ rev: 3, deleted: false, fields: { title: 'c' } });
    expect(h.eventData('server.apply').at(-1)).toMatchObject({ kind: 'create', revBefore: 2, revAfter: 3 });
  });

  test('a delete of an unknown id is an idempotent success with record null', async () => {
    const h = new Harness();
    const op = h.remove('notes', 'never', null);
    const answer = await h.op<OpApplied>(op);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ opId: op.opId, record: null });
    expect((await h.op(op)).status).toBe(200);
    expect(h.events('server.replay')).toHaveLength(1);
    expect(h.server.records()).toEqual([]);
  });

  test('an update of an unknown id is a 404', async () => {
    const h = new Harness();
    const answer = await h.op<ErrorBody>(h.update('notes', 'never', 1, title('x')));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'not-found', reason: 'unknown-record', path: 'id' });
  });
});

describe('malformed input is a 400 and applies nothing', () => {
  const cases: Array<[string, unknown, string, string | undefined]> = [
    ['missing field', { opId: 'o', collection: 'notes', id: 'n', kind: 'create', patch: [] }, 'missing-field', 'baseRev'],
    ['mistyped field', { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: 'x', patch: [] }, 'wrong-type', 'baseRev'],
    ['unknown kind', { opId: 'o', collection: 'notes', id: 'n', kind: 'upsert', baseRev: null, patch: [] }, 'invalid-value', 'kind'],
    ['unknown collection', { opId: 'o', collection: 'nope', id: 'n', kind: 'create', baseRev: null, patch: [] }, 'unknown-collection', 'collection'],
    ['unknown patch op', { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: null, patch: [{ op: 'mul', field: 'a' }] }, 'unknown-variant', 'patch[0].op'],
    ['__proto__ field', { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: null, patch: [{ op: 'set', field: '__proto__', value: 1 }] }, 'invalid-value', 'patch[0].field'],
    ['set with an array', { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: null, patch: [{ op: 'set', field: 'a', value: ['x'] }] }, 'unknown-variant', 'patch[0].value'],
    ['patch on delete', { opId: 'o', collection: 'notes', id: 'n', kind: 'delete', baseRev: null, patch: [{ op: 'set', field: 'a', value: 1 }] }, 'patch-on-delete', 'patch'],
    ['not an object', [1, 2], 'wrong-type', undefined],
  ];
  test.each(cases)('%s', async (_name, body, reason, path) => {
    const h = new Harness();
    const answer = await h.call<ErrorBody>('POST', '/sync/ops', { body, headers: { 'Idempotency-Key': 'o' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('bad-request');
    expect(answer.body.reason).toBe(reason);
    expect(answer.body.path).toBe(path);
    expect(h.server.records()).toEqual([]);
    expect(h.eventData('server.reject')).toEqual([{ device: 'A', status: 400, reason }]);
  });

  test('bad JSON and an oversized body', async () => {
    const h = new Harness({ config: { bodyLimitBytes: 200 } });
    const bad = await h.call<ErrorBody>('POST', '/sync/ops', { rawBody: '{"opId":', headers: { 'Idempotency-Key': 'o' } });
    expect(bad.body).toEqual({ error: 'bad-request', reason: 'invalid-json' });
    const big = h.create('notes', 'n1', title('x'.repeat(300)));
    const large = await h.op<ErrorBody>(big);
    expect(large.status).toBe(400);
    expect(large.body.reason).toBe('body-too-large');
    expect(h.server.records()).toEqual([]);
  });

  test('a patch that does not fit the record is a 400 type-mismatch and applies no part of it', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    const answer = await h.op<ErrorBody>(
      h.update('notes', 'n1', 1, [
        { op: 'set', field: 'other', value: 1 },
        { op: 'inc', field: 'title', by: 1 },
      ]),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'bad-request', reason: 'type-mismatch', path: 'patch[1]' });
    expect(h.server.records()[0]).toMatchObject({ rev: 1, fields: { title: 'a' } });
  });
});
