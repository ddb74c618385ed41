/**
 * The reference client's three-way merge on 409, against the reference server: device A
 * edits offline while device B's edit of the same record reaches the server first.
 * Method: two DeviceHosts; A comes back online and pushes on a stale baseRev; assertions
 * read the server record, A's conflicts and views, and what B pulls afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Resolution } from '../../src/client/contract.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import type { DeviceHost } from '../../src/sim/device.ts';
import { createSynced, Harness } from './harness.ts';

const reference = createReferenceClient();
let harness: Harness;

afterEach(() => harness?.close());

interface Setup {
  a: DeviceHost;
  b: DeviceHost;
  id: string;
}

/** A and B both hold the record; A goes offline and sets `field` of A, then B sets `fieldOfB` and syncs. */
async function concurrentEdits(fieldOfA: string, fieldOfB: string): Promise<Setup> {
  harness = new Harness();
  const a = await harness.device('a', reference);
  const b = await harness.device('b', reference);
  const id = await createSynced(harness, a, { title: 't0', body: 'b0', tags: ['x'], likes: 0 });
  await harness.call(b, (client) => client.sync());
  a.setOnline(false);
  await harness.call(a, (client) =>
    client.update('notes', id, [
      { op: 'set', field: fieldOfA, value: 'from-a' },
      { op: 'add', field: 'tags', values: ['a'] },
      { op: 'inc', field: 'likes', by: 2 },
    ]),
  );
  await harness.call(b, (client) =>
    client.update('notes', id, [
      { op: 'set', field: fieldOfB, value: 'from-b' },
      { op: 'add', field: 'tags', values: ['b'] },
      { op: 'inc', field: 'likes', by: 3 },
    ]),
  );
  await harness.call(b, (client) => client.sync());
  a.setOnline(true);
  await harness.run(5_000);
  return { a, b, id };
}

describe('reference client: three-way merge on 409', () => {
  it('merges concurrent edits of different fields without a conflict (sets union, counters add)', async () => {
    // Goal: different fields merge automatically; tags (set-union) and likes (counter) merge too.
    const { a, b, id } = await concurrentEdits('title', 'body');
    expect(harness.events('server.reject', 'a').some((event) => event.status === 409)).toBe(true);
    const merged = { title: 'from-a', body: 'from-b', tags: ['a', 'b', 'x'], likes: 5 };
    expect(harness.serverRecord('notes', id)).toMatchObject({ rev: 3, fields: merged });
    expect(await harness.call(a, (client) => client.conflicts())).toEqual([]);
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'synced', rev: 3, fields: merged });
    await harness.call(b, (client) => client.sync());
    expect(await harness.record(b, 'notes', id)).toMatchObject({ status: 'synced', rev: 3, fields: merged });
  });

  it('turns concurrent edits of the same field into a needs-review conflict holding both values', async () => {
    // Goal: the same manual field changed on both sides is surfaced, not silently lost;
    // the other fields of A's op (tags, likes) still merge and reach the server.
    const { a, id } = await concurrentEdits('title', 'title');
    const conflicts = await harness.call(a, (client) => client.conflicts());
    expect(conflicts).toEqual([
      { id: expect.any(String), collection: 'notes', recordId: id, field: 'title', local: 'from-a', remote: 'from-b' },
    ]);
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'needs-review', fields: { title: 'from-a' } });
    expect(harness.serverRecord('notes', id)).toMatchObject({
      fields: { title: 'from-b', tags: ['a', 'b', 'x'], likes: 5 },
    });
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(0);
  });

  const resolutions: [string, Resolution, string][] = [
    ['keep-local', { choice: 'keep-local' }, 'from-a'],
    ['keep-remote', { choice: 'keep-remote' }, 'from-b'],
    ['merged', { choice: 'merged', value: 'a+b' }, 'a+b'],
  ];
  for (const [name, resolution, expected] of resolutions) {
    it(`resolves a same-field conflict with ${name}; both devices converge`, async () => {
      // Goal: each resolution reaches the server and the other device; the conflict is gone.
      const { a, b, id } = await concurrentEdits('title', 'title');
      const [conflict] = await harness.call(a, (client) => client.conflicts());
      await harness.call(a, (client) => client.resolve(conflict?.id as string, resolution));
      await harness.run(5_000);
      await harness.call(b, (client) => client.sync());
      expect(await harness.call(a, (client) => client.conflicts())).toEqual([]);
      expect(harness.serverRecord('notes', id)?.fields.title).toBe(expected);
      expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'synced', fields: { title: expected } });
      expect(await harness.record(b, 'notes', id)).toMatchObject({ status: 'synced', fields: { title: expected } });
    });
  }

  it('surfaces an edit against a remote delete as a conflict; keep-local restores the record', async () => {
    // Goal: edit vs delete is neither a silent resurrection nor a silent loss.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const b = await harness.device('b', reference);
    const id = await createSynced(harness, a, { title: 't0' });
    await harness.call(b, (client) => client.sync());
    a.setOnline(false);
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 'edited' }]));
    await harness.call(b, (client) => client.delete('notes', id));
    await harness.call(b, (client) => client.sync());
    a.setOnline(true);
    await harness.run(5_000);
    const [conflict] = await harness.call(a, (client) => client.conflicts());
    expect(conflict).toMatchObject({ recordId: id, local: { title: 'edited' }, remote: null });
    expect(conflict?.field).toBeUndefined();
    expect(harness.serverRecord('notes', id)?.deleted).toBe(true);
    await harness.call(a, (client) => client.resolve(conflict?.id as string, { choice: 'keep-local' }));
    await harness.run(5_000);
    expect(harness.serverRecord('notes', id)).toMatchObject({ deleted: false, fields: { title: 'edited' } });
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'synced' });
  });

  it('resends a delete after a spurious 409 instead of opening a conflict', async () => {
    // Goal: a 409 on a record that did not change since the base is not an edit-vs-delete.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const id = await createSynced(harness, a, { title: 't0' });
    harness.addServerRule({
      match: { device: 'a', route: 'op', kind: 'delete', nth: 1 },
      fault: { type: 'spurious-409' },
    });
    await harness.call(a, (client) => client.delete('notes', id));
    await harness.run(5_000);
    expect(harness.events('server.reject', 'a').map((event) => event.status)).toEqual([409]);
    expect(await harness.call(a, (client) => client.conflicts())).toEqual([]);
    expect(harness.serverRecord('notes', id)?.deleted).toBe(true);
    expect(await harness.call(a, (client) => client.list('notes'))).toEqual([]);
  });
});
