/**
 * The reference client under subscriptions (partial sync): a widened subscription brings the
 * older records of its new part (no checkpoint reuse: the mutant that reuses it is shown to
 * miss them), a narrowed one drops what it excludes at once but keeps a record with a
 * pending write until that write has reached the server, and a record another device moves
 * out of the subscription leaves the device. Method: two devices on the simulated network
 * against the reference server; assertions on lists, the server's records and the trace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFactory, Subscription } from '../../src/client/contract.ts';
import { findMutant } from '../../src/client/mutants/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import type { DeviceHost } from '../../src/sim/device.ts';
import { Harness } from './harness.ts';

const reference = createReferenceClient();
const OPEN_TASKS: Subscription = [{ collection: 'tasks', field: 'done', values: [false] }];
let harness: Harness;

afterEach(() => harness?.close());

async function shown(host: DeviceHost): Promise<string[]> {
  const notes = await harness.call(host, (client) => client.list('notes'));
  const tasks = await harness.call(host, (client) => client.list('tasks'));
  return [...notes, ...tasks].map((record) => String(record.fields.title)).sort();
}

/** a writes a note, an open task and a done task; b subscribes to open tasks and syncs. */
async function partialWorld(client: ClientFactory): Promise<{ a: DeviceHost; b: DeviceHost }> {
  const a = await harness.device('a', reference);
  const b = await harness.device('b', client);
  await harness.call(b, (c) => c.subscribe!(OPEN_TASKS));
  await harness.call(a, (c) => c.create('notes', { title: 'note' }));
  await harness.call(a, (c) => c.create('tasks', { title: 'open', done: false }));
  await harness.call(a, (c) => c.create('tasks', { title: 'done', done: true }));
  await harness.call(a, (c) => c.sync());
  await harness.call(b, (c) => c.sync());
  return { a, b };
}

describe('reference client: subscriptions', () => {
  it('pulls only its subscription, and a widening brings the older records of the new part', async () => {
    harness = new Harness('subs-widen');
    const { b } = await partialWorld(reference);
    expect(await shown(b)).toEqual(['open']);
    await harness.call(b, (c) => c.subscribe!(null));
    await harness.call(b, (c) => c.sync());
    expect(await shown(b)).toEqual(['done', 'note', 'open']);
    expect(harness.events('client.subscribe', 'b').at(-1)).toMatchObject({ widened: true });
  });

  it('the mutant that keeps its checkpoint on a widening never gets them', async () => {
    harness = new Harness('subs-widen-mutant');
    const { b } = await partialWorld(findMutant('widen-keeps-checkpoint')!.factory);
    await harness.call(b, (c) => c.subscribe!(null));
    await harness.call(b, (c) => c.sync());
    await harness.call(b, (c) => c.sync());
    expect(await shown(b)).toEqual(['open']);
  });

  it('a narrowing drops what it excludes, but a pending write still reaches the server first', async () => {
    harness = new Harness('subs-narrow');
    const { b } = await partialWorld(reference);
    await harness.call(b, (c) => c.subscribe!(null));
    await harness.call(b, (c) => c.sync());
    const open = (await harness.call(b, (c) => c.list('tasks'))).find((record) => record.fields.title === 'open')!;
    b.setOnline(false);
    await harness.call(b, (c) => c.update('tasks', open.id, [{ op: 'set', field: 'title', value: 'edited' }]));
    await harness.call(b, (c) => c.subscribe!([{ collection: 'notes' }]));
    // The done task goes at once; the edited one stays while its write is pending.
    expect(await shown(b)).toEqual(['edited', 'note']);
    expect(harness.events('client.subscribe', 'b').at(-1)).toMatchObject({ widened: false, dropped: 1 });
    b.setOnline(true);
    await harness.call(b, (c) => c.sync());
    expect(harness.serverRecord('tasks', open.id)?.fields.title).toBe('edited');
    expect(await harness.call(b, (c) => c.pendingCount())).toBe(0);
    expect(await shown(b)).toEqual(['note']);
  });

  it('a record another device moves out of the subscription leaves the device', async () => {
    harness = new Harness('subs-moved-out');
    const { a, b } = await partialWorld(reference);
    const open = (await harness.call(a, (c) => c.list('tasks'))).find((record) => record.fields.title === 'open')!;
    await harness.call(a, (c) => c.update('tasks', open.id, [{ op: 'set', field: 'done', value: true }]));
    await harness.call(a, (c) => c.sync());
    await harness.call(b, (c) => c.sync());
    expect(await shown(b)).toEqual([]);
    expect(harness.serverRecord('tasks', open.id)?.deleted).toBe(false);
  });
});
