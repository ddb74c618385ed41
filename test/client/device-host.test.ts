/**
 * The DeviceHost: kills roll back open transactions and close every handle, crash points
 * kill at the named place, and a client that throws or hangs is reported as a value.
 * Method: tiny hand-written clients (and the reference client) on the harness's world;
 * assertions read the host's outcome values, the trace and the device's SQLite files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFactory, SyncClient } from '../../src/client/contract.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { Harness } from './harness.ts';

let harness: Harness;

afterEach(() => harness?.close());

type Db = import('better-sqlite3').Database;

/** A client whose `sync` is `behaviour` and whose `pendingCount` counts the rows of its table `t`. */
function tinyClient(behaviour: (db: Db) => Promise<unknown>): ClientFactory {
  return {
    name: 'tiny',
    policy: { default: 'lww' },
    async start(env) {
      const db = env.storage.open('tiny');
      db.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)');
      const call = () => behaviour(db);
      const count = async () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
      const methods = {
        create: call,
        update: call,
        delete: call,
        list: call,
        sync: call,
        conflicts: call,
        resolve: call,
      };
      return { ...methods, pendingCount: count } as unknown as SyncClient;
    },
  };
}

describe('DeviceHost', () => {
  it('rolls back an open transaction on kill and keeps committed rows', async () => {
    // A client leaves a transaction open across an await; the kill closes the handle and rolls it back.
    harness = new Harness();
    const host = await harness.device(
      'a',
      tinyClient(async (db) => {
        db.exec("INSERT INTO t VALUES ('committed')");
        db.exec("BEGIN; INSERT INTO t VALUES ('uncommitted')");
      }),
    );
    await harness.call(host, (client) => client.sync());
    expect(await harness.call(host, (client) => client.pendingCount())).toBe(2);
    expect(host.openHandles).toBe(1);
    host.kill('random');
    expect(host.openHandles).toBe(0);
    expect(host.client).toBeUndefined();
    expect(harness.events('device.kill', 'a')).toMatchObject([{ incarnation: 0, point: 'random' }]);
    await harness.restart(host);
    expect(harness.events('device.restart', 'a')).toMatchObject([{ incarnation: 1 }]);
    expect(await harness.call(host, (client) => client.pendingCount())).toBe(1);
  });

  it('reports a client whose start throws, as device.error and a rejection', async () => {
    // start(env) throws: the host records device.error, keeps the error, and rejects; the device stays down.
    harness = new Harness();
    const broken: ClientFactory = {
      name: 'broken',
      policy: { default: 'lww' },
      start: async () => {
        throw new Error('no database');
      },
    };
    await expect(harness.device('a', broken)).rejects.toThrow(
      /start of a \(incarnation 0\) failed: Error: no database/,
    );
    const host = harness.hosts.get('a');
    expect(host?.alive).toBe(false);
    expect(host?.errors).toHaveLength(1);
    expect(harness.events('device.error', 'a')).toHaveLength(1);
  });

  it('reports a hanging app call as hung, and a throwing one as an error, without throwing', async () => {
    // call() bounds an app call in virtual time and returns hangs and throws as values.
    harness = new Harness();
    const hanging = await harness.device(
      'a',
      tinyClient(() => new Promise(() => {})),
    );
    const hung = await hanging.call('sync', (client) => client.sync(), { drive: true, timeoutMs: 5_000 });
    expect(hung).toMatchObject({ ok: false, hung: true, killed: false });
    const throwing = await harness.device(
      'b',
      tinyClient(async () => Promise.reject(new TypeError('boom'))),
    );
    const threw = await throwing.call('sync', (client) => client.sync(), { drive: true });
    expect(threw).toMatchObject({ ok: false, hung: false, killed: false, error: 'TypeError: boom' });
    expect(throwing.errors).toEqual([{ incarnation: 0, message: 'sync: TypeError: boom' }]);
    expect(harness.events('device.error').map((event) => event.device)).toEqual(['a', 'b']);
  });

  it('records an error the client reports from a background task as device.error', async () => {
    // env.reportError from a timer task becomes device.error and an entry in host.errors.
    harness = new Harness();
    const reporting: ClientFactory = {
      name: 'reporting',
      policy: { default: 'lww' },
      async start(env) {
        env.clock.setTimeout(() => env.reportError(new RangeError('timer task failed')), 1_000);
        return tinyClient(async () => undefined).start(env);
      },
    };
    const host = await harness.device('a', reporting);
    await harness.run(2_000);
    expect(host.errors).toEqual([{ incarnation: 0, message: 'client error: RangeError: timer task failed' }]);
    expect(harness.events('device.error', 'a')).toHaveLength(1);
  });

  it('kills the reference client at an armed crash point; after restart the op is applied once', async () => {
    // Armed 'after-push-before-commit': the server applied the create, the device died before committing;
    // after the restart the same key is replayed, so the record exists once.
    harness = new Harness();
    const host = await harness.device('a', createReferenceClient());
    await harness.run(1_000);
    host.armCrashPoint('after-push-before-commit');
    const id = await harness.call(host, (client) => client.create('notes', { title: 'x' }));
    await harness.run(2_000);
    expect(host.alive).toBe(false);
    expect(harness.events('device.kill', 'a')).toMatchObject([{ point: 'after-push-before-commit' }]);
    expect(harness.serverRecord('notes', id)?.rev).toBe(1);
    await harness.restart(host);
    expect(await harness.call(host, (client) => client.pendingCount())).toBe(1);
    await harness.run(5_000);
    expect(harness.events('server.apply').filter((event) => event.id === id)).toHaveLength(1);
    expect(harness.events('server.replay', 'a')).toHaveLength(1);
    expect(await harness.record(host, 'notes', id)).toMatchObject({ status: 'synced', rev: 1 });
  });
});
