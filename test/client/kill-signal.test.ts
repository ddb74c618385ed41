/**
 * Goal: `env.signal` is aborted only after the kill closed the incarnation's storage
 * handles, so an abort handler cannot write after a kill and hide a loss. Method: a tiny
 * client whose abort handler tries to insert a row into its SQLite database (and keeps what
 * happened); kill, restart, and count the rows the new incarnation finds, in both storage
 * modes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFactory, SyncClient } from '../../src/client/contract.ts';
import { DeviceHost } from '../../src/sim/device.ts';
import type { StorageMode } from '../../src/sim/storage.ts';
import { BASE_URL, Harness } from './harness.ts';

let harness: Harness;

afterEach(() => harness?.close());

/** What each incarnation's abort handler saw when it tried to write. */
const attempts: string[] = [];

const abortWriter: ClientFactory = {
  name: 'abort-writer',
  policy: { default: 'manual' },
  async start(env) {
    const db = env.storage.open('app');
    db.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)');
    env.signal?.addEventListener('abort', () => {
      try {
        db.prepare('INSERT INTO t VALUES (?)').run(`written on abort by incarnation ${env.incarnation}`);
        attempts.push('written');
      } catch (error) {
        attempts.push(`threw: ${(error as Error).message}`);
      }
    });
    const rows = async () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    const none = async () => [];
    const client = { create: none, update: none, delete: none, list: none, sync: none, conflicts: none, resolve: none };
    return { ...client, pendingCount: rows } as unknown as SyncClient;
  },
};

async function hostFor(storage: StorageMode): Promise<DeviceHost> {
  const host = new DeviceHost({
    deviceId: 'a',
    scheduler: harness.scheduler,
    rng: harness.rng.fork('device/a'),
    trace: harness.trace,
    network: harness.network,
    factory: abortWriter,
    storageDir: harness.storageDir,
    storage,
    baseUrl: BASE_URL,
  });
  harness.hosts.set('a', host);
  await host.start();
  return host;
}

describe('env.signal after a kill', () => {
  it.each(['memory', 'file'] as const)('is aborted after the handles closed (%s storage)', async (storage) => {
    harness = new Harness();
    attempts.length = 0;
    const host = await hostFor(storage);
    expect(await harness.call(host, (client) => client.pendingCount())).toBe(0);
    host.kill('random');
    expect(attempts).toEqual(['threw: The database connection is not open']);
    await harness.restart(host);
    expect(await harness.call(host, (client) => client.pendingCount())).toBe(0);
  });
});
