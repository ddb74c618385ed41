/**
 * @module examples/rxdb/database
 * One RxDB database per device incarnation, kept in RxDB's localstorage storage over the
 * kit's `KeyValueStorage` (a localStorage in one SQLite table of `env.storage`), so what
 * RxDB wrote survives a kill and nothing else does. Options, all documented RxDB ones:
 * `multiInstance: false` (one app per device, no BroadcastChannel) and a `hashFunction` on node:crypto (RxDB's default awaits WebCrypto, which completes outside
 * the JS thread and so outside virtual time).
 */
import { createHash } from 'node:crypto';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageLocalstorage } from 'rxdb/plugins/storage-localstorage';
import type { KeyValueStorage } from '../../src/index.ts';
import { RenamedStorage } from './renamed-storage.ts';
import { RECORD_SCHEMA, type RecordDoc } from './schema.ts';

/** RxDB's hash, on node:crypto: settles within promise continuations, like the rest of the run. */
async function sha256(input: string | Blob | ArrayBuffer): Promise<string> {
  const bytes =
    typeof input === 'string' ? input : Buffer.from(input instanceof Blob ? await input.arrayBuffer() : input);
  return createHash('sha256').update(bytes).digest('hex');
}

/** RxDB wants `^[a-z][_$a-z0-9\-]*$`; device ids are free text. */
function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** The name this incarnation opens its database under, and the install's name its keys are stored under. */
export function databaseNames(installName: string, incarnation: number): { openedAs: string; storedAs: string } {
  return { openedAs: `inc${incarnation}-${hex(installName)}-open`, storedAs: `install-${hex(installName)}-kept` };
}

export async function openDatabase(
  installName: string,
  incarnation: number,
  localStorage: KeyValueStorage,
): Promise<{ database: RxDatabase; collection: RxCollection<RecordDoc> }> {
  const { openedAs, storedAs } = databaseNames(installName, incarnation);
  const database = await createRxDatabase({
    name: openedAs,
    storage: getRxStorageLocalstorage({
      localStorage: new RenamedStorage(localStorage, openedAs, storedAs) as unknown as Storage,
    }),
    multiInstance: false,
    hashFunction: sha256,
  });
  const collections = await database.addCollections({ records: { schema: RECORD_SCHEMA } });
  return { database, collection: collections.records as unknown as RxCollection<RecordDoc> };
}
