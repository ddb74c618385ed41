/**
 * The reference client's outbox against the reference server over the simulated network:
 * durability across a kill, coalescing, a delete after updates, and a lost response.
 * Method: one or two DeviceHosts driven in virtual time; assertions read the server's
 * records, the trace (what crossed the network) and the device's own view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { createSynced, Harness } from './harness.ts';

const reference = createReferenceClient();
let harness: Harness;

afterEach(() => harness?.close());

describe('reference client: outbox', () => {
  it('keeps an offline create and its outbox row across a kill and restart, then sends it', async () => {
    // Goal: durability. Create offline, kill, restart from the same files: the record is
    // still shown as pending with a pending count of 1; once online it reaches the server.
    harness = new Harness();
    const a = await harness.device('a', reference);
    a.setOnline(false);
    const id = await harness.call(a, (client) => client.create('notes', { title: 'offline' }));
    await harness.run(2_000);
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(1);

    a.kill();
    expect(a.openHandles).toBe(0);
    await harness.restart(a);
    expect(a.incarnation).toBe(1);
    const restored = await harness.record(a, 'notes', id);
    expect(restored).toMatchObject({ id, status: 'pending', rev: null, fields: { title: 'offline' } });
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(1);
    expect(harness.serverRecord('notes', id)).toBeUndefined();

    a.setOnline(true);
    await harness.run(5_000);
    expect(harness.serverRecord('notes', id)).toMatchObject({ rev: 1, deleted: false, fields: { title: 'offline' } });
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'synced', rev: 1 });
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(0);
  });

  it('sends five offline updates of one record as one request (per-record coalescing)', async () => {
    // Goal: coalescing. Five updates while offline fold into one outbox row; when the device
    // comes back, exactly one POST /sync/ops carries them and the server ends at rev 2.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const id = await createSynced(harness, a, { title: 't0', likes: 0 });
    const sendsBefore = harness.sends('a', '/sync/ops').length;
    a.setOnline(false);
    for (let step = 1; step <= 5; step++) {
      await harness.call(a, (client) =>
        client.update('notes', id, [
          { op: 'set', field: 'title', value: `t${step}` },
          { op: 'inc', field: 'likes', by: 1 },
        ]),
      );
    }
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(1);
    a.setOnline(true);
    await harness.run(5_000);
    expect(harness.sends('a', '/sync/ops').length - sendsBefore).toBe(1);
    expect(harness.serverRecord('notes', id)).toMatchObject({ rev: 2, fields: { title: 't5', likes: 5 } });
  });

  it('sends only the delete for updates followed by a delete made offline', async () => {
    // Goal: a delete after updates stays a delete. Two updates and a delete offline reach
    // the server as one delete op; the server never applies the updates.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const id = await createSynced(harness, a, { title: 't0' });
    a.setOnline(false);
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 't1' }]));
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 't2' }]));
    await harness.call(a, (client) => client.delete('notes', id));
    a.setOnline(true);
    await harness.run(5_000);
    const applied = harness.events('server.apply', 'a').filter((event) => event.id === id);
    expect(applied.map((event) => event.kind)).toEqual(['create', 'delete']);
    expect(harness.serverRecord('notes', id)).toMatchObject({ deleted: true, rev: 2 });
    expect(await harness.call(a, (client) => client.list('notes'))).toEqual([]);
  });

  it('applies an op once when its response is lost after the server applied it', async () => {
    // Goal: idempotent retry. The network drops the answer to the first update (the server
    // applied it); the client times out, retries with the same key, and the server replays.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const id = await createSynced(harness, a, { title: 't0', likes: 0 });
    harness.addNetworkRule({ match: { device: 'a', path: '/sync/ops', nth: 1 }, verdict: { type: 'drop-response' } });
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'inc', field: 'likes', by: 1 }]));
    await harness.run(120_000);
    const updates = harness.sends('a', '/sync/ops').slice(1);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updates.map((event) => event.key)).size).toBe(1);
    expect(harness.events('server.apply').filter((event) => event.id === id && event.kind === 'update')).toHaveLength(
      1,
    );
    expect(harness.events('server.replay', 'a').length).toBeGreaterThanOrEqual(1);
    expect(harness.serverRecord('notes', id)).toMatchObject({ rev: 2, fields: { likes: 1 } });
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'synced', rev: 2, fields: { likes: 1 } });
  });

  it('with batching, sends offline writes of several records in one POST /sync/batch', async () => {
    // Goal: the batching option. Three offline creates and an update of one of them become
    // one batch of three ops (the update is folded into its create); all reach the server.
    harness = new Harness();
    const a = await harness.device('a', createReferenceClient({ batching: true, coalescing: 'per-field' }));
    a.setOnline(false);
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three'])
      ids.push(await harness.call(a, (client) => client.create('notes', { title })));
    await harness.call(a, (client) =>
      client.update('notes', ids[0] as string, [{ op: 'set', field: 'title', value: 'uno' }]),
    );
    a.setOnline(true);
    await harness.run(5_000);
    expect(harness.sends('a', '/sync/batch')).toHaveLength(1);
    expect(harness.sends('a', '/sync/ops')).toHaveLength(0);
    expect(ids.map((id) => harness.serverRecord('notes', id)?.fields.title)).toEqual(['uno', 'two', 'three']);
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(0);
  });
});
