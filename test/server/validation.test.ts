/**
 * Goal: malformed input (bad JSON, missing or mistyped fields, unknown collection, oversized
 * body, patches that do not fit) is a 400 with a machine-readable reason and path, and nothing
 * is applied, not even part of a patch.
 * Method: send broken bodies through `POST /sync/ops`; assert the error body, the records and
 * the server.reject events.
 */
import { describe, expect, test } from 'vitest';
import type { ErrorBody } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

const title = (value: string) => [{ op: 'set' as const, field: 'title', value }];

describe('malformed input is a 400 and applies nothing', () => {
  const cases: Array<[string, unknown, string, string | undefined]> = [
    [
      'missing field',
      { opId: 'o', collection: 'notes', id: 'n', kind: 'create', patch: [] },
      'missing-field',
      'baseRev',
    ],
    [
      'mistyped field',
      { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: 'x', patch: [] },
      'wrong-type',
      'baseRev',
    ],
    [
      'unknown kind',
      { opId: 'o', collection: 'notes', id: 'n', kind: 'upsert', baseRev: null, patch: [] },
      'invalid-value',
      'kind',
    ],
    [
      'unknown collection',
      { opId: 'o', collection: 'nope', id: 'n', kind: 'create', baseRev: null, patch: [] },
      'unknown-collection',
      'collection',
    ],
    [
      'unknown patch op',
      { opId: 'o', collection: 'notes', id: 'n', kind: 'create', baseRev: null, patch: [{ op: 'mul', field: 'a' }] },
      'unknown-variant',
      'patch[0].op',
    ],
    [
      '__proto__ field',
      {
        opId: 'o',
        collection: 'notes',
        id: 'n',
        kind: 'create',
        baseRev: null,
        patch: [{ op: 'set', field: '__proto__', value: 1 }],
      },
      'invalid-value',
      'patch[0].field',
    ],
    [
      'set with an array',
      {
        opId: 'o',
        collection: 'notes',
        id: 'n',
        kind: 'create',
        baseRev: null,
        patch: [{ op: 'set', field: 'a', value: ['x'] }],
      },
      'unknown-variant',
      'patch[0].value',
    ],
    [
      'patch on delete',
      {
        opId: 'o',
        collection: 'notes',
        id: 'n',
        kind: 'delete',
        baseRev: null,
        patch: [{ op: 'set', field: 'a', value: 1 }],
      },
      'patch-on-delete',
      'patch',
    ],
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
    const bad = await h.call<ErrorBody>('POST', '/sync/ops', {
      rawBody: '{"opId":',
      headers: { 'Idempotency-Key': 'o' },
    });
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
