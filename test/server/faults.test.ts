/**
 * Goal: each op, gateway and delay fault does what docs/protocol.md says, seen both in the
 * answer the client gets and in the trace the checkers read.
 * Method: one rule per test against a seeded server; assert status/body/headers, the records,
 * and the server.* events (fault, apply, reject) in order.
 */
import { describe, expect, test } from 'vitest';
import type { ConflictBody, ErrorBody, OpApplied, ServerFaultRule } from '../../src/server/index.ts';
import { setTitle, typesAfter, withRecords } from './harness.ts';

describe('op faults', () => {
  test('spurious-409: a conflict with the record unchanged; nothing applied or stored', async () => {
    const h = await withRecords(1, {
      id: 'spurious',
      match: { route: 'op', kind: 'update' },
      fault: { type: 'spurious-409' },
      times: 1,
    });
    const before = h.trace.length;
    const op = h.update('notes', 'n0', 1, setTitle('mine'));
    const answer = await h.op<ConflictBody>(op);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      error: 'conflict',
      reason: 'spurious',
      opId: op.opId,
      current: { rev: 1, fields: { title: 't0' } },
    });
    expect(typesAfter(h, before)).toEqual(['server.fault', 'server.reject']);
    expect(h.eventData('server.fault')).toEqual([{ device: 'A', rule: 'spurious', effect: 'spurious-409' }]);
    // The refusal names the op's record, so the checkers can tell which record the 409 was about.
    expect(h.eventData('server.reject')).toEqual([
      { device: 'A', opId: op.opId, status: 409, reason: 'spurious', collection: 'notes', id: 'n0' },
    ]);
    const retry = await h.op<OpApplied>(op);
    expect(retry.status).toBe(200);
    expect(retry.body.record?.rev).toBe(2);
  });

  test('spurious-409 does not apply to a create of a new id (nothing to carry), nor to replays', async () => {
    const h = await withRecords(0, { match: {}, fault: { type: 'spurious-409' } });
    const op = h.create('notes', 'fresh');
    expect((await h.op(op)).status).toBe(201);
    expect((await h.op(op)).status).toBe(201);
    expect(h.events('server.fault')).toEqual([]);
  });

  test('concurrent-write: an automation write lands first, so the op conflicts on its baseRev', async () => {
    const h = await withRecords(1, { match: { kind: 'update' }, fault: { type: 'concurrent-write' }, times: 1 });
    const before = h.trace.length;
    const answer = await h.op<ConflictBody>(h.update('notes', 'n0', 1, setTitle('mine')));
    expect(answer.status).toBe(409);
    expect(answer.body.reason).toBe('concurrent-write');
    expect(answer.body.current).toMatchObject({ rev: 2, fields: { title: 't0', _automation: 'auto-1' } });
    expect(typesAfter(h, before)).toEqual(['server.fault', 'server.apply', 'server.reject']);
    expect(h.eventData('server.apply').at(-1)).toEqual({
      device: 'server',
      opId: 'auto-1',
      collection: 'notes',
      id: 'n0',
      kind: 'update',
      revBefore: 1,
      revAfter: 2,
      deleted: false,
      fields: { title: 't0', _automation: 'auto-1' },
    });
  });

  test('concurrent-write under an unconditional update: both writes apply, in order', async () => {
    const h = await withRecords(1, { match: {}, fault: { type: 'concurrent-write' }, times: 1 });
    const answer = await h.op<OpApplied>(h.update('notes', 'n0', null, setTitle('mine')));
    expect(answer.body.record).toMatchObject({ rev: 3, fields: { title: 'mine', _automation: 'auto-1' } });
    expect(h.eventData('server.apply').map((event) => [event.device, event.revAfter])).toEqual([
      ['A', 1],
      ['server', 2],
      ['A', 3],
    ]);
  });
});

describe('gateway faults', () => {
  const cases: Array<[ServerFaultRule['fault'], number, string, Record<string, string>]> = [
    [{ type: '412' }, 412, 'precondition-failed', {}],
    [{ type: '429', retryAfterS: 7 }, 429, 'rate-limited', { 'retry-after': '7' }],
    [{ type: '500' }, 500, 'server-error', {}],
    [{ type: '503' }, 503, 'unavailable', {}],
    [{ type: '503', retryAfterS: 2 }, 503, 'unavailable', { 'retry-after': '2' }],
  ];
  test.each(cases)('%o answers %i and applies nothing', async (fault, status, error, headers) => {
    const h = await withRecords(1, { id: 'g', match: { route: 'op' }, fault, times: 1 });
    const before = h.trace.length;
    const op = h.update('notes', 'n0', 1, setTitle('x'));
    const answer = await h.op<ErrorBody>(op);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, reason: 'injected' });
    for (const [name, value] of Object.entries(headers)) expect(answer.headers.get(name)).toBe(value);
    if (!('retry-after' in headers)) expect(answer.headers.get('retry-after')).toBeNull();
    expect(h.server.records()[0]?.rev).toBe(1);
    expect(
      h.trace
        .events()
        .slice(before)
        .map(({ type, ...rest }) => [type, rest.effect ?? rest.status]),
    ).toEqual([
      ['server.fault', fault.type],
      ['server.reject', status],
    ]);
    expect((await h.op(op)).status).toBe(200);
  });

  test('token-expired: 401, and the token stays expired until the client refreshes', async () => {
    const h = await withRecords(1, { match: { route: 'changes' }, fault: { type: 'token-expired' }, times: 1 });
    const token = await h.login('A');
    const first = await h.call<ErrorBody>('GET', '/changes', { token });
    expect(first).toMatchObject({ status: 401, body: { error: 'unauthorized', reason: 'token-expired' } });
    expect((await h.call('POST', '/sync/ops', { token, body: {} })).status).toBe(401);
    expect(h.events('server.fault')).toHaveLength(1);
    expect(h.events('server.reject').map((event) => event.reason)).toEqual(['token-expired', 'token-expired']);
    h.forgetToken('A');
    expect((await h.call('GET', '/changes')).status).toBe(200);
  });

  test('a gateway fault on a batch fails the whole batch', async () => {
    const h = await withRecords(0, { match: { route: 'batch', kind: 'delete' }, fault: { type: '503' } });
    const plain = await h.call('POST', '/sync/batch', { body: { ops: [h.create('notes', 'a')] } });
    expect(plain.status).toBe(200);
    const withDelete = await h.call('POST', '/sync/batch', {
      body: { ops: [h.create('notes', 'b'), h.remove('notes', 'a', 1)] },
    });
    expect(withDelete.status).toBe(503);
    expect(h.server.records().map((record) => record.id)).toEqual(['a']);
  });
});

describe('slow', () => {
  test('holds the answer in virtual time, then handles the request', async () => {
    const h = await withRecords(1, { match: { route: 'op' }, fault: { type: 'slow', ms: 2_000 } });
    let answered = false;
    const pending = h.op<OpApplied>(h.update('notes', 'n0', 1, setTitle('late'))).then((answer) => {
      answered = true;
      return answer;
    });
    await h.advance(1_999);
    expect(answered).toBe(false);
    expect(h.server.records()[0]?.rev).toBe(1);
    await h.advance(1);
    expect((await pending).body.record?.updatedAtServer).toBe(Date.UTC(2026, 0, 1) + 2_000);
    expect(h.events('server.apply').at(-1)?.t).toBe(2_000);
  });
});
