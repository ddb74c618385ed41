/**
 * Mutants of conflict handling, retries and pulls, each in its plainest scenario. Every
 * test runs the same scenario with the reference client and with the mutant, and asserts
 * the reference keeps the invariant while the mutant visibly breaks it. The two stale-data
 * mutants (hard-delete, no-rev-check) are fed an old page by the harness's lagging replica.
 */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/client/contract.ts';
import { findMutant, type Mutant } from '../../src/client/mutants/index.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { createSynced, Harness } from './harness.ts';

const reference = createReferenceClient();
const HOUR_MS = 60 * 60_000;

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

/** A (clock skewed by `skewA`) edits the title offline; B's edit of the title reaches the server first. */
function sameFieldRace(factory: ClientFactory, skewA = 0, runMs = 10_000) {
  return withHarness(async (harness) => {
    const a = await harness.device('a', factory, skewA);
    const b = await harness.device('b', reference);
    const id = await createSynced(harness, a, { title: 't0' });
    await harness.call(b, (client) => client.sync());
    a.setOnline(false);
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 'from-a' }]));
    await harness.run(1_000);
    await harness.call(b, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 'from-b' }]));
    await harness.call(b, (client) => client.sync());
    a.setOnline(true);
    await harness.run(runMs);
    return {
      server: harness.serverRecord('notes', id)?.fields.title,
      conflicts: (await harness.call(a, (client) => client.conflicts())).length,
      pending: await harness.call(a, (client) => client.pendingCount()),
      rejected409: harness.events('server.reject', 'a').filter((event) => event.status === 409).length,
    };
  });
}

describe('mutants: conflicts, retries, pulls', () => {
  it('lww-device-clock: a device whose clock runs behind silently drops its concurrent write', async () => {
    // A (clock one hour behind) and B set the same field; the reference opens a conflict, the mutant drops A's write.
    expect(mutant('lww-device-clock').invariant).toBe('no-silent-loss');
    expect(await sameFieldRace(reference, -HOUR_MS)).toMatchObject({ server: 'from-b', conflicts: 1 });
    expect(await sameFieldRace(mutant('lww-device-clock').factory, -HOUR_MS)).toMatchObject({
      server: 'from-b',
      conflicts: 0,
      pending: 0,
    });
  });

  it("force-overwrite-409: a 409 is answered by overwriting the other device's write", async () => {
    // A and B set the same field, B first; the reference opens a conflict, the mutant overwrites B's value.
    expect(mutant('force-overwrite-409').invariant).toBe('no-silent-loss');
    expect(await sameFieldRace(reference)).toMatchObject({ server: 'from-b', conflicts: 1 });
    expect(await sameFieldRace(mutant('force-overwrite-409').factory)).toMatchObject({
      server: 'from-a',
      conflicts: 0,
    });
  });

  it('blind-retry-409: the op conflicts forever and the outbox never drains', async () => {
    // A and B set the same field; the reference settles the 409 once, the mutant resends the stale op for ever.
    expect(mutant('blind-retry-409').invariant).toBe('liveness');
    expect(await sameFieldRace(reference, 0, 20_000)).toMatchObject({ pending: 0, rejected409: 1 });
    const blind = await sameFieldRace(mutant('blind-retry-409').factory, 0, 20_000);
    expect(blind.pending).toBe(1);
    expect(blind.rejected409).toBeGreaterThan(100);
  });

  it('no-backoff: retries a 429 at once instead of waiting Retry-After', async () => {
    // Three 429s with Retry-After 30 s; the reference waits 30 s before the next request, the mutant does not.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        await harness.run(1_000);
        harness.addServerRule({
          match: { device: 'a', route: 'op' },
          fault: { type: '429', retryAfterS: 30 },
          times: 3,
        });
        await harness.call(a, (client) => client.create('notes', { title: 'x' }));
        await harness.run(5 * 60_000);
        const limited = harness.events('net.receive', 'a').find((event) => event.status === 429);
        const next = harness.events('net.send', 'a').find((event) => event.seq > (limited?.seq ?? 0));
        return (next?.t ?? 0) - (limited?.t ?? 0) >= 30_000;
      });
    expect(mutant('no-backoff').invariant).toBe('polite-retries');
    expect(await scenario(reference)).toBe(true);
    expect(await scenario(mutant('no-backoff').factory)).toBe(false);
  });

  it('hard-delete: an older copy from a lagging replica brings a deleted record back', async () => {
    // After a delete, the replica replays a page holding the live record; only the mutant shows it again.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const id = await createSynced(harness, a, { title: 't0' });
        const page = harness.replica.pages.findIndex((served) => served.device === 'a' && served.body.includes(id));
        await harness.call(a, (client) => client.delete('notes', id));
        await harness.call(a, (client) => client.sync());
        harness.replica.replayPage('a', page);
        await harness.call(a, (client) => client.sync());
        return (await harness.record(a, 'notes', id)) !== undefined;
      });
    expect(mutant('hard-delete').invariant).toBe('no-resurrection');
    expect(await scenario(reference)).toBe(false);
    expect(await scenario(mutant('hard-delete').factory)).toBe(true);
  });

  it('no-rev-check: an older copy from a lagging replica overwrites a newer one', async () => {
    // After an update to rev 2, the replica replays a page holding rev 1; only the mutant goes back to it.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const id = await createSynced(harness, a, { title: 't0' });
        const page = harness.replica.pages.findIndex((served) => served.device === 'a' && served.body.includes(id));
        await harness.call(a, (client) => client.update('notes', id, [{ op: 'set', field: 'title', value: 't1' }]));
        await harness.call(a, (client) => client.sync());
        harness.replica.replayPage('a', page);
        await harness.call(a, (client) => client.sync());
        return (await harness.record(a, 'notes', id))?.rev;
      });
    expect(mutant('no-rev-check').invariant).toBe('no-regression');
    expect(await scenario(reference)).toBe(2);
    expect(await scenario(mutant('no-rev-check').factory)).toBe(1);
  });

  it('cursor-before-apply: a kill between cursor and page skips the page forever', async () => {
    // A kill at 'after-pull-before-apply'; the reference pulls the page again, the mutant's cursor skips it.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const b = await harness.device('b', reference);
        a.setOnline(false);
        const id = await createSynced(harness, b, { title: 'from-b' });
        a.armCrashPoint('after-pull-before-apply');
        a.setOnline(true);
        await harness.run(2_000);
        const killed = harness.events('device.kill', 'a').map((event) => event.point);
        await harness.restart(a);
        await harness.run(2 * 60_000);
        return { killed, seen: (await harness.record(a, 'notes', id)) !== undefined };
      });
    expect(mutant('cursor-before-apply').invariant).toBe('convergence');
    expect(await scenario(reference)).toEqual({ killed: ['after-pull-before-apply'], seen: true });
    expect(await scenario(mutant('cursor-before-apply').factory)).toEqual({
      killed: ['after-pull-before-apply'],
      seen: false,
    });
  });

  it('pull-overwrites-pending: a pulled change discards an edit made while the pull was in flight', async () => {
    // A edits while its pull of B's change is in flight; the reference defers the change, the mutant drops the edit.
    const scenario = (factory: ClientFactory) =>
      withHarness(async (harness) => {
        const a = await harness.device('a', factory);
        const b = await harness.device('b', reference);
        const id = await createSynced(harness, a, { title: 't0', body: 'b0' });
        await harness.call(b, (client) => client.sync());
        await harness.call(b, (client) => client.update('notes', id, [{ op: 'set', field: 'body', value: 'from-b' }]));
        await harness.call(b, (client) => client.sync());
        const sendsBefore = harness.sends('a', '/changes').length;
        const run = a.client?.sync();
        await harness.runUntil(() => harness.sends('a', '/changes').length > sendsBefore, 10_000);
        await a.client?.update('notes', id, [{ op: 'set', field: 'title', value: 'from-a' }]);
        await harness.settle(run as Promise<unknown>);
        await harness.run(10_000);
        return harness.serverRecord('notes', id)?.fields;
      });
    expect(mutant('pull-overwrites-pending').invariant).toBe('no-silent-loss');
    expect(await scenario(reference)).toEqual({ title: 'from-a', body: 'from-b' });
    expect(await scenario(mutant('pull-overwrites-pending').factory)).toEqual({ title: 't0', body: 'from-b' });
  });
});
