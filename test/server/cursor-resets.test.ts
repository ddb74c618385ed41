/**
 * Goal: the cursor faults and the 410 "resync required" answer do what docs/protocol.md
 * ("Cursor resets") says, and `write-after-apply` lands a server write between an op's
 * commit and its answer. Method: one rule per test against the reference server; compare
 * answers, the trace (server.reject, server.fault, server.apply) and later pages.
 */
import { describe, expect, test } from 'vitest';
import type { ChangesPage, ErrorBody, OpApplied } from '../../src/server/index.ts';
import { setTitle, withRecords } from './harness.ts';

describe('cursor resets', () => {
  test('cursor-expired: this cursor and older ones get 410 for good; the start and newer cursors do not', async () => {
    const h = await withRecords(4, { match: { route: 'changes' }, fault: { type: 'cursor-expired' }, times: 1 });
    const expired = await h.call<ErrorBody>('GET', '/changes?since=c2');
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual({ error: 'resync-required', reason: 'cursor-expired', path: 'since' });
    expect((await h.call('GET', '/changes?since=c2')).status).toBe(410);
    expect((await h.call('GET', '/changes?since=c1')).status).toBe(410);
    expect((await h.call('GET', '/changes?since=c3')).status).toBe(200);
    const fresh = await h.call<ChangesPage>('GET', '/changes');
    expect(fresh.body.changes).toHaveLength(4);
    expect(h.eventData('server.reject')).toContainEqual({ device: 'A', status: 410, reason: 'cursor-expired' });
    expect(h.eventData('server.fault')).toEqual([{ device: 'A', rule: 'rule-1', effect: 'cursor-expired' }]);
  });

  test('cursor-expired never fires on an up-to-date cursor (a resync must be able to end)', async () => {
    const h = await withRecords(2, { match: { route: 'changes' }, fault: { type: 'cursor-expired' } });
    expect((await h.call('GET', '/changes?since=c2')).status).toBe(200);
    expect(h.events('server.fault')).toHaveLength(0);
  });

  test('compaction purges tombstones from the cursor feed and forgets every older cursor', async () => {
    const h = await withRecords(3);
    await h.op(h.remove('notes', 'n1', 1));
    h.server.addRule({ match: { route: 'changes' }, fault: { type: 'compaction' }, times: 1 });
    const old = await h.call<ErrorBody>('GET', '/changes?since=c1');
    expect(old.status).toBe(410);
    expect(old.body.reason).toBe('compacted');
    const fresh = await h.call<ChangesPage>('GET', '/changes');
    expect(fresh.body.changes.map((record) => record.id)).toEqual(['n0', 'n2']);
    expect(fresh.body.next).toBe('c3');
    expect((await h.call('GET', `/changes?since=${fresh.body.next}`)).status).toBe(410);
    // The newest position stays honoured, and the tombstone is still judged against.
    expect((await h.call('GET', '/changes?since=c4')).status).toBe(200);
    expect((await h.op(h.update('notes', 'n1', 2, setTitle('x')))).status).toBe(409);
    const restored = await h.op({ ...h.create('notes', 'n1', setTitle('back')), baseRev: 2 });
    expect(restored.status).toBe(201);
    const after = await h.call<ChangesPage>('GET', '/changes?since=c4');
    expect(after.body.changes.map((record) => [record.id, record.rev])).toEqual([['n1', 3]]);
  });

  test('write-after-apply: the answer shows the op applied; the server is one rev further', async () => {
    const h = await withRecords(0, { match: { route: 'op' }, fault: { type: 'write-after-apply' }, times: 1 });
    const answer = await h.op<OpApplied>(h.create('notes', 'n0', setTitle('mine')));
    expect(answer.status).toBe(201);
    expect(answer.body.record?.rev).toBe(1);
    expect(h.eventData('server.apply').map((event) => [event.device, event.revAfter])).toEqual([
      ['A', 1],
      ['server', 2],
    ]);
    const page = await h.call<ChangesPage>('GET', '/changes');
    expect(page.body.changes[0]?.rev).toBe(2);
    expect(page.body.changes[0]?.fields).toMatchObject({ title: 'mine' });
  });
});
