/**
 * @module examples/rxdb/database
 * One RxDB database per device incarnation, kept in RxDB's localstorage storage over the
 * kit's `KeyValueStorage` (a localStorage in one SQLite table of `env.storage`), so what
 * RxDB wrote survives a kill and nothing else does. Options, all documented RxDB ones:
 * `multiInstance: false` (one app per device, no BroadcastChannel), `closeDuplicates`
 * (a campaign worker may still hold the same name from the previous run), and a
 * `hashFunction` on node:crypto (RxDB's default awaits WebCrypto, which completes outside
 * the JS thread and so outside virtual time).
 */
import { createHash } from 'node:crypto';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageLocalstorage } from 'rxdb/plugins/storage-localstorage';
import type { KeyValueStorage } from '../../src/index.ts';
import { RECORD_SCHEMA, type RecordDoc } from './schema.ts';

/** RxDB's hash, on node:crypto: settles within promise continuations, like the rest of the run. */
async function sha256(input: string | Blob | ArrayBuffer): Promise<string> {
  const bytes =
    typeof input === 'string' ? input : Buffer.from(input instanceof Blob ? await input.arrayBuffer() : input);
  return createHash('sha256').update(bytes).digest('hex');
}

/** RxDB wants `^[a-z][_$a-z0-9\-]*$`; device ids are free text. */
export function databaseName(installName: string): string {
  return `device-${Buffer.from(installName, 'utf8').toString('hex')}`;
}

export async function openDatabase(
  installName: string,
  localStorage: KeyValueStorage,
): Promise<{ database: RxDatabase; collection: RxCollection<RecordDoc> }> {
  const database = await createRxDatabase({
    name: databaseName(installName),
    storage: getRxStorageLocalstorage({ localStorage: localStorage as unknown as Storage }),
    multiInstance: false,
    closeDuplicates: true,
    hashFunction: sha256,
  });
  const collections = await database.addCollections({ records: { schema: RECORD_SCHEMA } });
  return { database, collection: collections.records as unknown as RxCollection<RecordDoc> };
}
