// Goal: heal's view matching (records found by collection then id, shown records stamped on
// the live ones) answers exactly as matching by `collection/id` keys (viewMatchesByKey: the
// code before session 9, still used where the two could differ). Method: drawn servers and
// views with deleted records, records listed twice, records shown but not live, changed
// fields, conflicts, subscriptions, pending writes, and collections whose names hold a `/`
// (where two records share a key).
import { describe, expect, test } from 'vitest';
import type { LocalRecord } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';
import type { Fields, ServerRecord } from '../../src/server/protocol.ts';
import type { Subscription } from '../../src/server/subscription.ts';
import { viewMatchesByKey, viewMatchesServer } from '../../src/sim/view-match.ts';
import type { DeviceView } from '../../src/sim/views.ts';

function drawnCase(rng: Rng) {
  const slashed = rng.next() < 0.2;
  const collections = slashed ? ['a', 'a/b', 'notes'] : ['notes', 'tasks'];
  const ids = slashed ? ['1', 'b/1', '2'] : ['1', '2', '3', '4'];
  const fieldsOf = (): Fields => (rng.next() < 0.5 ? { title: `t${rng.int(0, 1)}` } : { title: 't0', done: null });
  const server: ServerRecord[] = [];
  for (let index = rng.int(0, 6); index > 0; index--)
    server.push({
      collection: rng.pick(collections),
      id: rng.pick(ids),
      rev: rng.int(1, 5),
      updatedAtServer: 0,
      deleted: rng.next() < 0.2,
      fields: fieldsOf(),
    });
  const records: LocalRecord[] = [];
  // Mostly what the server holds (its fields or changed ones), sometimes more, sometimes twice.
  for (const record of server) {
    if (record.deleted && rng.next() < 0.7) continue;
    if (rng.next() < 0.15) continue;
    const fields = rng.next() < 0.8 ? record.fields : fieldsOf();
    const shown = { collection: record.collection, id: record.id, fields, status: 'synced' as const, rev: record.rev };
    records.push(shown);
    if (rng.next() < 0.1) records.push({ ...shown, fields: fieldsOf() });
  }
  if (rng.next() < 0.3)
    records.push({
      collection: rng.pick(collections),
      id: rng.pick(ids),
      fields: fieldsOf(),
      status: 'synced',
      rev: 1,
    });
  const conflicts =
    rng.next() < 0.2
      ? [{ id: 'c1', collection: rng.pick(collections), recordId: rng.pick(ids), local: {}, remote: {} }]
      : [];
  const subscription: Subscription | null =
    rng.next() < 0.25 ? [{ collection: rng.pick(collections), field: 'title', values: ['t0'] }] : null;
  const view = { records, pending: rng.next() < 0.05 ? 1 : 0, conflicts } as DeviceView;
  return { server, view, subscription };
}

describe('viewMatchesServer', () => {
  test('answers as matching by collection/id keys, for drawn cases', () => {
    const rng = new Rng('view-match');
    const answers = { true: 0, false: 0 };
    for (let index = 0; index < 20_000; index++) {
      const { server, view, subscription } = drawnCase(rng);
      const expected = viewMatchesByKey(view, server, subscription);
      expect(viewMatchesServer(view, server, subscription)).toBe(expected);
      // Asked again about the same server snapshot (its index is kept): the same answer.
      expect(viewMatchesServer(view, server, subscription)).toBe(expected);
      answers[String(expected) as 'true' | 'false']++;
    }
    // Both answers were drawn often enough to mean something.
    expect(Math.min(answers.true, answers.false)).toBeGreaterThan(2_000);
  });
});
