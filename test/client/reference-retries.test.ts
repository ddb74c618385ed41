/**
 * The reference client against server faults: an expired token, a 429 with Retry-After, a
 * 503 (backoff without a new write), and a 400 (error state, not retried forever).
 * Method: server fault rules on the reference server; assertions read the trace's
 * net.send/net.receive times (virtual) and the server's records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { Harness } from './harness.ts';

const reference = createReferenceClient();
let harness: Harness;

afterEach(() => harness?.close());

describe('reference client: retries', () => {
  it('refreshes an expired token once and loses nothing', async () => {
    // Goal: a 401 token-expired on the first push makes the client refresh and resend the
    // same op (same key); both offline creates reach the server.
    harness = new Harness();
    const a = await harness.device('a', reference);
    await harness.run(1_000);
    harness.addServerRule({ match: { device: 'a', route: 'op', nth: 1 }, fault: { type: 'token-expired' } });
    a.setOnline(false);
    const first = await harness.call(a, (client) => client.create('notes', { title: 'one' }));
    const second = await harness.call(a, (client) => client.create('notes', { title: 'two' }));
    a.setOnline(true);
    await harness.run(5_000);
    const rejected = harness.events('server.reject', 'a').filter((event) => event.status === 401);
    expect(rejected).toHaveLength(1);
    expect(harness.events('client.token-refresh', 'a').map((event) => event.result)).toEqual(['ok', 'ok']);
    const opSends = harness.sends('a', '/sync/ops');
    expect(opSends[0]?.key).toBe(opSends[1]?.key);
    expect(harness.serverRecord('notes', first)?.fields.title).toBe('one');
    expect(harness.serverRecord('notes', second)?.fields.title).toBe('two');
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(0);
  });

  it('waits the Retry-After of a 429 in virtual time before it retries', async () => {
    // Goal: polite retries. The first push gets 429 Retry-After: 30; the next request to the
    // server leaves no earlier than 30 s (virtual) after the 429 arrived.
    harness = new Harness();
    const a = await harness.device('a', reference);
    await harness.run(1_000);
    harness.addServerRule({ match: { device: 'a', route: 'op', nth: 1 }, fault: { type: '429', retryAfterS: 30 } });
    const id = await harness.call(a, (client) => client.create('notes', { title: 'x' }));
    await harness.run(2_000);
    expect(await harness.call(a, (client) => client.sync())).toMatchObject({ error: 'backoff', pending: 1 });
    await harness.run(60_000);
    const limited = harness.events('net.receive', 'a').find((event) => event.status === 429);
    expect(limited?.retryAfterMs).toBe(30_000);
    const after = harness.events('net.send', 'a').filter((event) => event.seq > (limited?.seq ?? 0));
    expect(after.length).toBeGreaterThan(0);
    expect((after[0]?.t ?? 0) - (limited?.t ?? 0)).toBeGreaterThanOrEqual(30_000);
    expect(harness.serverRecord('notes', id)?.rev).toBe(1);
  });

  it('backs off exponentially on 503 and retries without another local write', async () => {
    // Goal: a failed upload is retried on its own, with growing gaps (jittered, capped).
    harness = new Harness();
    const a = await harness.device('a', reference);
    await harness.run(1_000);
    harness.addServerRule({ match: { device: 'a', route: 'op' }, fault: { type: '503' }, times: 4 });
    const id = await harness.call(a, (client) => client.create('notes', { title: 'x' }));
    await harness.run(120_000);
    const sends = harness.sends('a', '/sync/ops').map((event) => event.t);
    expect(sends).toHaveLength(5);
    const gaps = sends.slice(1).map((time, index) => time - (sends[index] as number));
    for (let index = 1; index < gaps.length; index++) expect(gaps[index]).toBeGreaterThan(gaps[index - 1] as number);
    expect(harness.serverRecord('notes', id)?.rev).toBe(1);
  });

  it('parks an op the server rejects with 400 in the error state and goes on', async () => {
    // Goal: 400/422 are not retried forever. An inc on a text field is a type mismatch;
    // the record shows 'error', the outbox drains, the next write still goes through.
    harness = new Harness();
    const a = await harness.device('a', reference);
    const id = await harness.call(a, (client) => client.create('notes', { title: 'x' }));
    await harness.run(2_000);
    await harness.call(a, (client) => client.update('notes', id, [{ op: 'inc', field: 'title', by: 1 }]));
    await harness.run(5_000);
    expect(harness.events('server.reject', 'a').map((event) => event.status)).toEqual([400]);
    expect(await harness.call(a, (client) => client.pendingCount())).toBe(0);
    expect(await harness.record(a, 'notes', id)).toMatchObject({ status: 'error' });
    const other = await harness.call(a, (client) => client.create('notes', { title: 'y' }));
    await harness.run(5_000);
    expect(harness.serverRecord('notes', other)?.rev).toBe(1);
  });
});
