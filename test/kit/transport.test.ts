// Goal: the kit's transport speaks the reference protocol as docs/protocol.md says, against
// the real reference server through the simulated network. Method: a device whose client
// only hands out its env; each test sends through `createTransport(env)` under one fault
// (token expiry, a lost answer, a slow server, a stale base, a 429) and asserts the
// outcome and what the server applied.
import { afterEach, describe, expect, test } from 'vitest';
import type { ClientEnv, ClientFactory, SyncClient } from '../../src/client/contract.ts';
import { createTransport } from '../../src/client/kit/transport.ts';
import type { SyncOp } from '../../src/server/protocol.ts';
import type { DeviceHost } from '../../src/sim/device.ts';
import { Harness } from '../client/harness.ts';

/** A client that does nothing; the test drives the transport with its env. */
function envCatcher(): { factory: ClientFactory; env: () => ClientEnv } {
  let captured: ClientEnv | undefined;
  const idle: SyncClient = {
    create: async () => 'x',
    update: async () => {},
    delete: async () => {},
    list: async () => [],
    sync: async () => ({ pushed: 0, pulled: 0, pending: 0 }),
    pendingCount: async () => 0,
    conflicts: async () => [],
    resolve: async () => {},
  };
  const factory: ClientFactory = {
    name: 'env-catcher',
    policy: { default: 'lww' },
    async start(env) {
      captured = env;
      return idle;
    },
  };
  return {
    factory,
    env: () => {
      if (captured === undefined) throw new Error('device not started');
      return captured;
    },
  };
}

const createOp = (opId: string, id: string): SyncOp => ({
  opId,
  collection: 'notes',
  id,
  kind: 'create',
  baseRev: null,
  patch: [{ op: 'set', field: 'title', value: `t-${id}` }],
});

let harness: Harness;
afterEach(() => harness.close());

async function setUp(): Promise<{ host: DeviceHost; env: ClientEnv }> {
  harness = new Harness('kit-transport');
  const catcher = envCatcher();
  const host = await harness.device('phone', catcher.factory);
  return { host, env: catcher.env() };
}

describe('kit transport', () => {
  test('gets a token, pushes a create with its Idempotency-Key; the same op again is replayed, not applied', async () => {
    const { env } = await setUp();
    const transport = createTransport(env);
    const first = await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    expect(first).toMatchObject({ kind: 'applied', status: 201, record: { id: 'n1', rev: 1 } });
    const again = await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    expect(again).toMatchObject({ kind: 'applied', record: { id: 'n1', rev: 1 } });
    expect(harness.events('server.apply', 'phone')).toHaveLength(1);
    expect(harness.events('server.replay', 'phone')).toHaveLength(1);
    expect(harness.sends('phone', '/auth/refresh')).toHaveLength(1);
  });

  test('an expired token is refreshed and the request sent again, unchanged', async () => {
    const { env } = await setUp();
    const transport = createTransport(env);
    await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    harness.addServerRule({ match: { route: 'op' }, fault: { type: 'token-expired' }, times: 1 });
    const outcome = await harness.settle(transport.pushOp(createOp('op-2', 'n2')));
    expect(outcome).toMatchObject({ kind: 'applied', record: { id: 'n2' } });
    expect(harness.sends('phone', '/auth/refresh')).toHaveLength(2);
    expect(harness.sends('phone', '/sync/ops')).toHaveLength(3);
  });

  test('a request with no answer is aborted after timeoutMs of virtual time and is worth a retry', async () => {
    const { env } = await setUp();
    const transport = createTransport(env, { timeoutMs: 5_000 });
    await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    harness.addServerRule({ match: { route: 'op' }, fault: { type: 'slow', ms: 120_000 }, times: 1 });
    const before = harness.scheduler.now();
    const outcome = await harness.settle(transport.pushOp(createOp('op-2', 'n2')));
    expect(outcome).toEqual({ kind: 'retry', reason: 'timeout' });
    const waitedMs = harness.scheduler.now() - before;
    expect(waitedMs).toBeGreaterThanOrEqual(5_000);
    expect(waitedMs).toBeLessThan(6_000);
  });

  test('a lost answer, then the same op: the server applies it once and answers the stored record', async () => {
    const { env } = await setUp();
    const transport = createTransport(env, { timeoutMs: 5_000 });
    harness.addNetworkRule({ match: { path: '/sync/ops' }, verdict: { type: 'drop-response' }, times: 1 });
    const lost = await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    expect(lost.kind).toBe('retry');
    const retried = await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    expect(retried).toMatchObject({ kind: 'applied', record: { id: 'n1', rev: 1 } });
    expect(harness.events('server.apply', 'phone')).toHaveLength(1);
  });

  test('a stale base is a conflict carrying the current record; a 429 says how long to wait', async () => {
    const { env } = await setUp();
    const transport = createTransport(env);
    await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    const update = (opId: string, baseRev: number): SyncOp => ({
      opId,
      collection: 'notes',
      id: 'n1',
      kind: 'update',
      baseRev,
      patch: [{ op: 'set', field: 'title', value: opId }],
    });
    await harness.settle(transport.pushOp(update('op-2', 1)));
    const stale = await harness.settle(transport.pushOp(update('op-3', 1)));
    expect(stale).toMatchObject({ kind: 'conflict', body: { reason: 'stale-base-rev', current: { rev: 2 } } });
    harness.addServerRule({ match: { route: 'op' }, fault: { type: '429', retryAfterS: 3 }, times: 1 });
    const limited = await harness.settle(transport.pushOp(update('op-4', 2)));
    expect(limited).toEqual({ kind: 'retry', reason: 'rate-limited', waitMs: 3_000 });
  });

  test('pulls /changes page by page until hasMore is false; the snapshot pages the same records', async () => {
    const { env } = await setUp();
    const transport = createTransport(env);
    for (const n of [1, 2, 3]) await harness.settle(transport.pushOp(createOp(`op-${n}`, `n${n}`)));
    const ids: string[] = [];
    let since: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const outcome = await harness.settle(transport.pullChanges(since, 2));
      if (outcome.kind !== 'page') throw new Error(`expected a page, got ${outcome.kind}`);
      ids.push(...outcome.page.changes.map((record) => record.id));
      since = outcome.page.next;
      if (!outcome.page.hasMore) break;
    }
    expect(ids).toEqual(['n1', 'n2', 'n3']);
    const snapshot = await harness.settle(transport.snapshotPage(undefined, 10));
    expect(snapshot.kind === 'page' && snapshot.page.changes.map((record) => record.id).sort()).toEqual([
      'n1',
      'n2',
      'n3',
    ]);
  });

  test('a request in flight when the incarnation dies settles as a retry (stopped), and no later one is sent', async () => {
    const { env } = await setUp();
    const life = new AbortController();
    const transport = createTransport(env, { signal: life.signal, timeoutMs: 60_000 });
    await harness.settle(transport.pushOp(createOp('op-1', 'n1')));
    harness.addServerRule({ match: { route: 'op' }, fault: { type: 'slow', ms: 120_000 }, times: 1 });
    const inFlight = transport.pushOp(createOp('op-2', 'n2'));
    await harness.run(1_000);
    life.abort();
    expect(await inFlight).toEqual({ kind: 'retry', reason: 'stopped' });
    const sendsBefore = harness.sends('phone', '/sync/ops').length;
    expect(await transport.pushOp(createOp('op-3', 'n3'))).toEqual({ kind: 'retry', reason: 'stopped' });
    expect(harness.sends('phone', '/sync/ops')).toHaveLength(sendsBefore);
  });

  test('offline: every request is a retry, never an exception', async () => {
    const { host, env } = await setUp();
    const transport = createTransport(env, { timeoutMs: 5_000 });
    host.setOnline(false);
    const outcome = await harness.settle(transport.pullChanges(undefined, 10));
    expect(outcome.kind).toBe('retry');
  });
});
