/**
 * Mutants of the outbox and idempotency, each in its plainest scenario. Every test runs the
 * same scenario twice, with the reference client and with the mutant, and asserts the
 * reference keeps the invariant while the mutant visibly breaks it (server state, trace or
 * local state, read directly; the checkers come later).
 */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/client/contract.ts';
import { findMutant, type Mutant } from '../../src/client/mutants/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { createSynced, Harness } from './harness.ts';

const reference = createReferenceClient();

function mutant(name: string): Mutant {
  const found = findMutant(name);
  if (found === undefined) throw new Error(`no mutant ${name}`);
  return found;
}

async function withHarness<T>(fn: (harness: Harness) => Promise<T>): Promise<T> {
  const harness = new Harness();
  try {
    return await fn(harness);
  } finally {
    harness.close();
  }
}

/** Increments a counter once; the answer to the first push is lost. Returns the server's count and update applies. */
function lostResponseIncrement(factory: ClientFactory) {
  return withHarness(async (harness) => {
    const a = await harness.device('a', factory);
    const id = await createSynced(harness, a, { title: 't0', likes: 0 });
    harness.addNetworkRule({ match: { device: 'a', path: '/sync/ops', nth: 1 }, verdict: { type: 'drop-response' } });
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'inc', field: 'likes', by: 1 }]));
    await harness.run(120_000);
    const applies = harness.events('server.apply').filter((event) => event.id === id && event.kind === 'update').length;
    return { likes: harness.serverRecord('notes', id)?.fields.likes, applies };
  });
}

describe('mutants: outbox and idempotency', () => {
  for (const name of ['no-idempotency-key', 'new-key-per-retry']) {
    it(`${name}: a retry after a lost response applies the increment twice`, async () => {
      // Drops the answer to an increment the server applied; the reference's retry is replayed, the mutant's is applied again.
      expect(mutant(name).invariant).toBe('no-duplicates');
      expect(await lostResponseIncrement(reference)).toEqual({ likes: 1, applies: 1 });
      expect(await lostResponseIncrement(mutant(name).factory)).toEqual({ likes: 2, applies: 2 });
    });
  }

  it('server-assigned-ids: a create whose answer was lost is created twice', async () => {
    // Drops the answer to a create; the reference's retry is replayed, the mutant's new id makes a second record.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        await harness.run(1_000);
        harness.addNetworkRule({
          match: { device: 'a', path: '/sync/ops', nth: 1 },
          verdict: { type: 'drop-response' },
        });
        await harness.call(a, (client) => client.create('notes', { title: 'only-once' }));
        await harness.run(120_000);
        const onServer = harness
          .liveServerRecords('notes')
          .filter((record) => record.fields.title === 'only-once').length;
        const onDevice = (await harness.call(a, (client) => client.list('notes'))).length;
        return { onServer, onDevice };
      });
    expect(mutant('server-assigned-ids').invariant).toBe('no-duplicates');
    expect(await scenario(reference)).toEqual({ onServer: 1, onDevice: 1 });
    expect(await scenario(mutant('server-assigned-ids').factory)).toEqual({ onServer: 2, onDevice: 2 });
  });

  it('remove-before-ack: a lost request takes the write with it', async () => {
    // Drops the request of an update; the reference retries it, the mutant has nothing left to retry.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const id = await createSynced(harness, a, { title: 't0' });
        harness.addNetworkRule({
          match: { device: 'a', path: '/sync/ops', nth: 1 },
          verdict: { type: 'drop-request' },
        });
        await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 'edited' }]));
        await harness.run(120_000);
        return {
          server: harness.serverRecord('notes', id)?.fields.title,
          device: (await harness.record(a, 'notes', id))?.fields.title,
        };
      });
    expect(mutant('remove-before-ack').invariant).toBe('no-silent-loss');
    expect(await scenario(reference)).toEqual({ server: 'edited', device: 'edited' });
    expect(await scenario(mutant('remove-before-ack').factory)).toEqual({ server: 't0', device: 't0' });
  });

  it('delete-coalesced-away: updates then a delete offline never delete the record', async () => {
    // An update then a delete offline; the reference sends the delete, the mutant only the update.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const id = await createSynced(harness, a, { title: 't0' });
        a.setOnline(false);
        await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 't1' }]));
        await harness.call(a, (client) => client.delete('notes', id));
        a.setOnline(true);
        await harness.run(10_000);
        return {
          deletedOnServer: harness.serverRecord('notes', id)?.deleted,
          onDevice: (await harness.record(a, 'notes', id)) !== undefined,
        };
      });
    expect(mutant('delete-coalesced-away').invariant).toBe('no-silent-loss');
    expect(await scenario(reference)).toEqual({ deletedOnServer: true, onDevice: false });
    expect(await scenario(mutant('delete-coalesced-away').factory)).toEqual({ deletedOnServer: false, onDevice: true });
  });

  it('in-memory-outbox: a kill forgets an offline write', async () => {
    // Offline create, kill, restart; the reference still has the op, the mutant's outbox is empty.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        a.setOnline(false);
        const id = await harness.call(a, (client) => client.create('notes', { title: 'offline' }));
        const pendingBefore = await harness.call(a, (client) => client.pendingCount());
        a.kill();
        await harness.restart(a);
        const pendingAfter = await harness.call(a, (client) => client.pendingCount());
        a.setOnline(true);
        await harness.run(10_000);
        return { pendingBefore, pendingAfter, onServer: harness.serverRecord('notes', id) !== undefined };
      });
    expect(mutant('in-memory-outbox').invariant).toBe('durability');
    expect(await scenario(reference)).toEqual({ pendingBefore: 1, pendingAfter: 1, onServer: true });
    expect(await scenario(mutant('in-memory-outbox').factory)).toEqual({
      pendingBefore: 1,
      pendingAfter: 0,
      onServer: false,
    });
  });

  it('drop-outbox-on-401: an expired token wipes the queued writes', async () => {
    // Two offline creates and an expired token on the first push; the mutant's second create is wiped.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        await harness.run(1_000);
        harness.addServerRule({ match: { device: 'a', route: 'op', nth: 1 }, fault: { type: 'token-expired' } });
        a.setOnline(false);
        const ids = [
          await harness.call(a, (client) => client.create('notes', { title: 'one' })),
          await harness.call(a, (client) => client.create('notes', { title: 'two' })),
        ];
        a.setOnline(true);
        await harness.run(10_000);
        return ids.map((id) => harness.serverRecord('notes', id) !== undefined);
      });
    expect(mutant('drop-outbox-on-401').invariant).toBe('no-silent-loss');
    expect(await scenario(reference)).toEqual([true, true]);
    expect(await scenario(mutant('drop-outbox-on-401').factory)).toEqual([true, false]);
  });

  it('no-sync-on-reconnect: an offline write waits after the device is back online', async () => {
    // Offline create, then online for ten minutes; the reference pushes at once, the mutant never does.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        a.setOnline(false);
        const id = await harness.call(a, (client) => client.create('notes', { title: 'offline' }));
        await harness.run(5_000);
        a.setOnline(true);
        await harness.run(10 * 60_000);
        return {
          onServer: harness.serverRecord('notes', id) !== undefined,
          pending: await harness.call(a, (client) => client.pendingCount()),
        };
      });
    expect(mutant('no-sync-on-reconnect').invariant).toBe('liveness');
    expect(await scenario(reference)).toEqual({ onServer: true, pending: 0 });
    expect(await scenario(mutant('no-sync-on-reconnect').factory)).toEqual({ onServer: false, pending: 1 });
  });
});
