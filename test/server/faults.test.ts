/**
 * Goal: each server fault does what docs/protocol.md says, seen both in the answer the client
 * gets and in the trace the checkers read; rules match by device, route, kind, nth, time window
 * and probability, and fire at most `times` times.
 * Method: one rule per test against a seeded server; assert status/body/headers, the records,
 * and the server.* events (fault, apply, reject, changes) in order.
 */
import { describe, expect, test } from 'vitest';
import type {
  BatchResponse,
  ChangesPage,
  ConflictBody,
  ErrorBody,
  OpApplied,
  ServerFaultRule,
  ServerRecord,
} from '../../src/server/index.ts';
import { Harness } from './harness.ts';

const set = (value: string) => [{ op: 'set' as const, field: 'title', value }];

async function withRecords(count: number, rule?: ServerFaultRule): Promise<Harness> {
  const h = new Harness();
  for (let index = 0; index < count; index++) await h.op(h.create('notes', `n${index}`, set(`t${index}`)));
  if (rule !== undefined) h.server.addRule(rule);
  return h;
}

/** The types of the server.* events recorded after the setup (the first `skip` events). */
function typesAfter(h: Harness, skip: number): string[] {
  return h.trace
    .events()
    .slice(skip)
    .map((event) => event.type);
}

describe('op faults', () => {
  test('spurious-409: a conflict with the record unchanged; nothing applied or stored', async () => {
    const h = await withRecords(1, { id: 'spurious', match: { route: 'op', kind: 'update' }, fault: { type: 'spurious-409' }, times: 1 });
    const before = h.trace.length;
    const op = h.update('notes', 'n0', 1, set('mine'));
    const answer = await h.op<ConflictBody>(op);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: 'conflict', reason: 'spurious', opId: op.opId, current: { rev: 1, fields: { title: 't0' } } });
    expect(typesAfter(h, before)).toEqual(['server.fault', 'server.reject']);
    expect(h.eventData('server.fault')).toEqual([{ device: 'A', rule: 'spurious', effect: 'spurious-409' }]);
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
    const answer = await h.op<ConflictBody>(h.update('notes', 'n0', 1, set('mine')));
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
    const answer = await h.op<OpApplied>(h.update('notes', 'n0', null, set('mine')));
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
    const op = h.update('notes', 'n0', 1, set('x'));
    const answer = await h.op<ErrorBody>(op);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, reason: 'injected' });
    for (const [name, value] of Object.entries(headers)) expect(answer.headers.get(name)).toBe(value);
    if (!('retry-after' in headers)) expect(answer.headers.get('retry-after')).toBeNull();
    expect(h.server.records()[0]?.rev).toBe(1);
    expect(h.trace.events().slice(before).map(({ type, ...rest }) => [type, rest.effect ?? rest.status])).toEqual([
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
    const withDelete = await h.call('POST', '/sync/batch', { body: { ops: [h.create('notes', 'b'), h.remove('notes', 'a', 1)] } });
    expect(withDelete.status).toBe(503);
    expect(h.server.records().map((record) => record.id)).toEqual(['a']);
  });
});

describe('page faults', () => {
  test('changes-out-of-order: the same records in another order; next as without the fault', async () => {
    const h = await withRecords(5, { match: { route: 'changes' }, fault: { type: 'changes-out-of-order' }, times: 1 });
    const faulty = await h.call<ChangesPage>('GET', '/changes?limit=4');
    const clean = await h.call<ChangesPage>('GET', '/changes?limit=4');
    expect(faulty.body.changes.map((record) => record.id)).not.toEqual(clean.body.changes.map((record) => record.id));
    expect([...faulty.body.changes].sort((a, b) => a.id.localeCompare(b.id))).toEqual(clean.body.changes);
    expect(faulty.body.next).toBe(clean.body.next);
    const [faultyEvent] = h.eventData('server.changes');
    expect((faultyEvent?.records as ServerRecord[]).map((record) => record.id)).toEqual(faulty.body.changes.map((record) => record.id));
    expect(h.eventData('server.fault')).toEqual([{ device: 'A', rule: 'rule-1', effect: 'changes-out-of-order' }]);
  });

  test('short-page: fewer records than asked, hasMore true, and the next page continues', async () => {
    const h = await withRecords(4, { match: { route: 'changes' }, fault: { type: 'short-page', limit: 1 }, times: 1 });
    const short = await h.call<ChangesPage>('GET', '/changes?limit=3');
    expect(short.body.changes.map((record) => record.id)).toEqual(['n0']);
    expect(short.body.hasMore).toBe(true);
    const rest = await h.call<ChangesPage>('GET', `/changes?since=${short.body.next}`);
    expect(rest.body.changes.map((record) => record.id)).toEqual(['n1', 'n2', 'n3']);
    expect(h.events('server.fault')).toHaveLength(1);
  });

  test('overlapping-page: the next page repeats the last change of this one', async () => {
    const h = await withRecords(4, { match: { route: 'changes' }, fault: { type: 'overlapping-page' }, times: 1 });
    const first = await h.call<ChangesPage>('GET', '/changes?limit=2');
    const second = await h.call<ChangesPage>('GET', `/changes?since=${first.body.next}&limit=2`);
    expect(first.body.changes.map((record) => record.id)).toEqual(['n0', 'n1']);
    expect(first.body.hasMore).toBe(true);
    expect(second.body.changes.map((record) => record.id)).toEqual(['n1', 'n2']);
  });

  test('write-between-pages: a record of this page is written after it was read', async () => {
    const h = await withRecords(4, { match: { route: 'changes' }, fault: { type: 'write-between-pages' }, times: 1 });
    const before = h.trace.length;
    const first = await h.call<ChangesPage>('GET', '/changes?limit=2');
    expect(first.body.changes.map((record) => [record.id, record.rev])).toEqual([
      ['n0', 1],
      ['n1', 1],
    ]);
    expect(typesAfter(h, before)).toEqual(['server.fault', 'server.changes', 'server.apply']);
    expect(h.eventData('server.apply').at(-1)).toMatchObject({ device: 'server', id: 'n0', revAfter: 2 });
    const rest = await h.call<ChangesPage>('GET', `/changes?since=${first.body.next}`);
    expect(rest.body.changes.map((record) => [record.id, record.rev])).toEqual([
      ['n2', 1],
      ['n3', 1],
      ['n0', 2],
    ]);
  });

  test('checkpoint-tie: the next page starts with a change stamped like this page’s last one', async () => {
    const h = await withRecords(4, { match: { route: 'changes' }, fault: { type: 'checkpoint-tie' }, times: 1 });
    await h.advance(100);
    const first = await h.call<ChangesPage>('GET', '/changes?checkpoint=&limit=2');
    const last = first.body.changes.at(-1) as ServerRecord;
    expect(h.eventData('server.apply').at(-1)).toMatchObject({ device: 'server', opId: 'auto-1', id: 'n2' });
    const second = await h.call<ChangesPage>('GET', `/changes?checkpoint=${encodeURIComponent(first.body.next)}&limit=2`);
    expect(second.body.changes[0]).toMatchObject({ id: 'n2', rev: 2, updatedAtServer: last.updatedAtServer });
    // A reader that checkpoints by time alone (updatedAt > last) would skip it.
    expect(second.body.changes.filter((record) => record.updatedAtServer > last.updatedAtServer).map((r) => r.id)).toEqual(['n3']);
  });

  test('page faults apply to /snapshot too', async () => {
    const h = await withRecords(3, { match: { route: 'snapshot' }, fault: { type: 'short-page', limit: 1 } });
    const page = await h.call<ChangesPage>('GET', '/snapshot');
    expect(page.body.changes).toHaveLength(1);
    expect(page.body.hasMore).toBe(true);
  });
});

describe('slow', () => {
  test('holds the answer in virtual time, then handles the request', async () => {
    const h = await withRecords(1, { match: { route: 'op' }, fault: { type: 'slow', ms: 2_000 } });
    let answered = false;
    const pending = h.op<OpApplied>(h.update('notes', 'n0', 1, set('late'))).then((answer) => {
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

describe('rule matching', () => {
  test('nth fires on the nth matching request only; times bounds the firings', async () => {
    const h = await withRecords(0);
    h.server.addRule({ id: 'second', match: { route: 'changes', nth: 2 }, fault: { type: '500' } });
    h.server.addRule({ id: 'twice', match: { route: 'snapshot' }, fault: { type: '503' }, times: 2 });
    const changes = [];
    for (let index = 0; index < 4; index++) changes.push((await h.call('GET', '/changes')).status);
    const snapshots = [];
    for (let index = 0; index < 4; index++) snapshots.push((await h.call('GET', '/snapshot')).status);
    expect(changes).toEqual([200, 500, 200, 200]);
    expect(snapshots).toEqual([503, 503, 200, 200]);
  });

  test('device, route, kind and time window narrow the match', async () => {
    const h = await withRecords(0);
    h.server.addRule({ match: { device: 'B', route: 'op', kind: 'create', fromMs: 1_000, untilMs: 2_000 }, fault: { type: '500' } });
    const statuses: Array<[string, number]> = [];
    const attempt = async (label: string, device: string) =>
      statuses.push([label, (await h.op(h.create('notes', label), { device })).status]);
    await attempt('early', 'B');
    await h.advance(1_000);
    await attempt('other-device', 'A');
    await attempt('in-window', 'B');
    await h.advance(1_000);
    await attempt('late', 'B');
    expect(statuses).toEqual([
      ['early', 201],
      ['other-device', 201],
      ['in-window', 500],
      ['late', 201],
    ]);
  });

  test('probability draws from the seeded fault stream: about p of the requests, the same each run', async () => {
    const run = async () => {
      const h = await withRecords(0, { match: { route: 'changes', probability: 0.5 }, fault: { type: '503' } });
      const statuses = [];
      for (let index = 0; index < 200; index++) statuses.push((await h.call('GET', '/changes')).status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
    expect(await run()).toEqual(first);
  });

  test('the first rule that fires decides; disabled or cleared rules never fire', async () => {
    const h = await withRecords(0);
    h.server.addRule({ match: { route: 'changes' }, fault: { type: '412' } });
    h.server.addRule({ match: { route: 'changes' }, fault: { type: '500' } });
    expect((await h.call('GET', '/changes')).status).toBe(412);
    h.server.setFaultsEnabled(false);
    expect((await h.call('GET', '/changes')).status).toBe(200);
    h.server.setFaultsEnabled(true);
    expect((await h.call('GET', '/changes')).status).toBe(412);
    h.server.clearRules();
    expect((await h.call('GET', '/changes')).status).toBe(200);
  });

  test('op faults apply per op inside a batch', async () => {
    const h = await withRecords(2, { match: { route: 'batch', nth: 2 }, fault: { type: 'spurious-409' } });
    const answer = await h.call<BatchResponse>('POST', '/sync/batch', {
      body: { ops: [h.update('notes', 'n0', 1, set('a')), h.update('notes', 'n1', 1, set('b'))] },
    });
    expect(answer.body.results.map((result) => result.status)).toEqual([200, 409]);
  });

  test('an invalid rule throws a message naming the API', () => {
    const h = new Harness();
    expect(() => h.server.addRule({ match: {}, fault: { type: 'short-page', limit: 0 } })).toThrow(/\[syncstorm\] ReferenceServer.addRule/);
    expect(() => h.server.addRule({ match: { route: 'nope' }, fault: { type: '500' } } as unknown as ServerFaultRule)).toThrow(
      /match.route/,
    );
  });
});
