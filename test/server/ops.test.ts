/**
 * Goal: the record rules of `POST /sync/ops` (docs/protocol.md): create/update/delete answers,
 * conflicts (stale baseRev, tombstones, existing ids, restore), unknown ids.
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
    expect(created.body.record).toMatchObject({
      collection: 'notes',
      id: 'n1',
      rev: 1,
      deleted: false,
      fields: { title: 'a' },
    });
    const updated = await h.op<OpApplied>(h.update('notes', 'n1', 1, title('b')));
    expect(updated.status).toBe(200);
    expect(updated.body.record).toMatchObject({ rev: 2, fields: { title: 'b' } });
    const deleted = await h.op<OpApplied>(h.remove('notes', 'n1', 2));
    expect(deleted.status).toBe(200);
    expect(deleted.body.record).toMatchObject({ rev: 3, deleted: true, fields: {} });
    expect(h.eventData('server.apply')).toEqual([
      {
        device: 'A',
        opId: 'op-0001',
        collection: 'notes',
        id: 'n1',
        kind: 'create',
        revBefore: 0,
        revAfter: 1,
        deleted: false,
        fields: { title: 'a' },
      },
      {
        device: 'A',
        opId: 'op-0002',
        collection: 'notes',
        id: 'n1',
        kind: 'update',
        revBefore: 1,
        revAfter: 2,
        deleted: false,
        fields: { title: 'b' },
      },
      {
        device: 'A',
        opId: 'op-0003',
        collection: 'notes',
        id: 'n1',
        kind: 'delete',
        revBefore: 2,
        revAfter: 3,
        deleted: true,
        fields: {},
      },
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

describe('conflicts', () => {
  test('a stale baseRev is a 409 carrying the current record', async () => {
    const h = new Harness();
    await h.op(h.create('notes', 'n1', title('a')));
    await h.op(h.update('notes', 'n1', 1, title('b')));
    const stale = await h.op<ConflictBody>(h.update('notes', 'n1', 1, title('c')));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'conflict', reason: 'stale-base-rev', opId: 'op-0003' });
    expect(stale.body.current).toMatchObject({ rev: 2, fields: { title: 'b' } });
    expect(h.eventData('server.reject')).toEqual([
      { device: 'A', opId: 'op-0003', status: 409, reason: 'stale-base-rev', collection: 'notes', id: 'n1' },
    ]);
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
