/**
 * Goal: each page fault (out of order, short, overlapping, write between pages, checkpoint tie, stale delta)
 * does what docs/protocol.md says, in the page handed out and in the trace.
 * Method: one rule per test; page through /changes or /snapshot and compare with the clean
 * pages; check server.fault / server.changes / server.apply events.
 */
import { describe, expect, test } from 'vitest';
import type { ChangesPage, ServerRecord } from '../../src/server/index.ts';
import { typesAfter, withRecords } from './harness.ts';

describe('page faults', () => {
  test('changes-out-of-order: the same records in another order; next as without the fault', async () => {
    const h = await withRecords(5, { match: { route: 'changes' }, fault: { type: 'changes-out-of-order' }, times: 1 });
    const faulty = await h.call<ChangesPage>('GET', '/changes?limit=4');
    const clean = await h.call<ChangesPage>('GET', '/changes?limit=4');
    expect(faulty.body.changes.map((record) => record.id)).not.toEqual(clean.body.changes.map((record) => record.id));
    expect([...faulty.body.changes].sort((a, b) => a.id.localeCompare(b.id))).toEqual(clean.body.changes);
    expect(faulty.body.next).toBe(clean.body.next);
    const handedOut = h.eventData('server.changes')[0]?.records as ServerRecord[];
    expect(handedOut.map((record) => record.id)).toEqual(faulty.body.changes.map((record) => record.id));
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
    const second = await h.call<ChangesPage>(
      'GET',
      `/changes?checkpoint=${encodeURIComponent(first.body.next)}&limit=2`,
    );
    expect(second.body.changes[0]).toMatchObject({ id: 'n2', rev: 2, updatedAtServer: last.updatedAtServer });
    // A reader that checkpoints by time alone (updatedAt > last) would skip it.
    expect(
      second.body.changes.filter((record) => record.updatedAtServer > last.updatedAtServer).map((r) => r.id),
    ).toEqual(['n3']);
  });

  test('page faults apply to /snapshot too', async () => {
    const h = await withRecords(3, { match: { route: 'snapshot' }, fault: { type: 'short-page', limit: 1 } });
    const page = await h.call<ChangesPage>('GET', '/snapshot');
    expect(page.body.changes).toHaveLength(1);
    expect(page.body.hasMore).toBe(true);
  });

  test('stale-delta: an older version of a changed record arrives after its current one', async () => {
    const h = await withRecords(2);
    const stored = h.server.records().find((record) => record.id === 'n0') as ServerRecord;
    h.server.automationWrite('notes', 'n0', [{ op: 'set', field: 'title', value: 'newer' }]);
    h.server.addRule({ match: { route: 'changes' }, fault: { type: 'stale-delta' }, times: 1 });
    const page = await h.call<ChangesPage>('GET', '/changes');
    const versions = page.body.changes.map((record) => [record.id, record.rev]);
    // n1 (rev 1), n0 at its current rev 2, then the stale n0 at rev 1 with its old title.
    expect(versions).toEqual([
      ['n1', 1],
      ['n0', 2],
      ['n0', 1],
    ]);
    expect(page.body.changes.at(-1)?.fields.title).toBe(stored.fields.title);
    expect(h.eventData('server.fault')).toEqual([{ device: 'A', rule: 'rule-1', effect: 'stale-delta' }]);
    const clean = await h.call<ChangesPage>('GET', '/changes');
    expect(clean.body.changes.map((record) => [record.id, record.rev])).toEqual([
      ['n1', 1],
      ['n0', 2],
    ]);
  });
});
