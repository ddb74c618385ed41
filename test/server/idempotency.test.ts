/**
 * Goal: idempotency rules: a repeated key is applied once and answers the same; another body is
 * a 422; only 2xx answers are kept, for the retention window of virtual time.
 * Method: repeat ops (same and changed bodies, other devices), advance virtual time, and check
 * answers, records and server.apply / server.replay / server.reject events.
 */
import { describe, expect, test } from 'vitest';
import type { ConflictBody, ErrorBody, OpApplied } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

const title = (value: string) => [{ op: 'set' as const, field: 'title', value }];

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
    expect(h.eventData('server.reject')).toEqual([
      { device: 'A', opId: op.opId, status: 422, reason: 'different-body', collection: 'notes', id: 'n1' },
    ]);
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
