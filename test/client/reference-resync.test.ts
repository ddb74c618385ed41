/**
 * The reference client after a cursor reset: it resyncs with a sweep from the start of the
 * feed, forgets records whose tombstones compaction purged (no resurrection), keeps its
 * pending writes (no loss), and never sends the refused request again as it was.
 * Method: a reference server with a `compaction` or `cursor-expired` rule; devices on the
 * simulated network; assertions on the devices' lists, the server's records and the trace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { createSynced, Harness } from './harness.ts';

const reference = createReferenceClient();
let harness: Harness;

afterEach(() => harness?.close());

async function titles(host: Parameters<Harness['call']>[0]): Promise<Record<string, unknown>> {
  const records = await harness.call(host, (client) => client.list('notes'));
  return Object.fromEntries(records.map((record) => [record.id, record.fields.title]));
}

describe('reference client: cursor resets', () => {
  it('after compaction, forgets a purged record and keeps a pending write', async () => {
    harness = new Harness('resync-compaction');
    const a = await harness.device('a', reference);
    const b = await harness.device('b', reference);
    const gone = await createSynced(harness, a, { title: 'gone' });
    const kept = await createSynced(harness, a, { title: 'kept' });
    await harness.call(b, (client) => client.sync());
    expect(Object.keys(await titles(b)).sort()).toEqual([gone, kept].sort());
    b.setOnline(false);
    await harness.call(a, (client) => client.delete('notes', gone));
    await harness.call(a, (client) => client.sync());
    await harness.call(b, (client) => client.update('notes', kept, [{ op: 'set', field: 'title', value: 'mine' }]));
    // The compaction job runs at a's next pull; b's op meets a spurious 409 and stays pending.
    harness.addServerRule({ match: { device: 'a', route: 'changes' }, fault: { type: 'compaction' }, times: 1 });
    harness.addServerRule({ match: { device: 'b', route: 'op' }, fault: { type: 'spurious-409' }, times: 1 });
    await harness.call(a, (client) => client.sync());
    b.setOnline(true);
    await harness.run(120_000);
    expect(harness.events('net.receive', 'b').some((event) => event.status === 410)).toBe(true);
    expect(harness.events('client.resync-forgot', 'b')).toHaveLength(1);
    expect(await titles(b)).toEqual({ [kept]: 'mine' });
    expect(harness.serverRecord('notes', kept)?.fields.title).toBe('mine');
    expect(await harness.call(b, (client) => client.pendingCount())).toBe(0);
  });

  it('a pending write made before the reset survives a resync that runs while it is pending', async () => {
    harness = new Harness('resync-pending');
    const a = await harness.device('a', reference);
    const b = await harness.device('b', reference);
    const note = await createSynced(harness, a, { title: 'one' });
    await harness.call(b, (client) => client.sync());
    await createSynced(harness, a, { title: 'two' });
    harness.addServerRule({ match: { device: 'b', route: 'changes' }, fault: { type: 'cursor-expired' }, times: 1 });
    harness.addServerRule({ match: { device: 'b', route: 'op' }, fault: { type: 'spurious-409' }, times: 1 });
    await harness.call(b, (client) => client.update('notes', note, [{ op: 'set', field: 'title', value: 'b' }]));
    await harness.run(120_000);
    const refused = harness.events('net.receive', 'b').filter((event) => event.status === 410);
    expect(refused).toHaveLength(1);
    expect(Object.values(await titles(b)).sort()).toEqual(['b', 'two']);
    expect(harness.serverRecord('notes', note)?.fields.title).toBe('b');
    // The refused request is never sent again as it was.
    const sends = harness.events('net.send', 'b');
    const refusedSend = sends.find((event) => event.requestId === refused[0]?.requestId);
    const again = sends.filter((event) => event.seq > (refused[0]?.seq ?? 0) && event.query === refusedSend?.query);
    expect(refusedSend?.query).toMatch(/since=c/);
    expect(again).toHaveLength(0);
  });
});
