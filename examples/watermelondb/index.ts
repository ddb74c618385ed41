/**
 * @module examples/watermelondb
 * WatermelonDB 0.28 under the syncstorm gate, engine code unmodified: the LokiJS adapter
 * (`useWebWorker: false`, `useIncrementalIndexedDB: false`) with a Loki persistence adapter
 * over the kit's `FileStore` (so the database survives kills as far as Loki saved it), and
 * `synchronize({ pullChanges, pushChanges })` speaking the reference protocol through the
 * kit. Loki's autosave (a real `setInterval`) and WatermelonDB's own `Date.now()` are left
 * as they are: syncstorm's per-device virtual globals make them deterministic.
 *
 * Run it: `npx syncstorm run scenarios/ --client ./examples/watermelondb/index.ts` (README.md).
 */
import { Database } from '@nozbe/watermelondb';
import LokiModule from '@nozbe/watermelondb/adapters/lokijs/index.js';
import loggerModule from '@nozbe/watermelondb/utils/common/logger/index.js';
import {
  type ClientEnv,
  type ClientFactory,
  createTransport,
  FileStore,
  KeyValueStorage,
  OpLedger,
} from '../../src/index.ts';
import { WatermelonClient } from './client.ts';
import { FileStoreLokiAdapter } from './loki-persistence.ts';
import { MODEL_CLASSES, SCHEMA } from './schema.ts';

/** The package is CommonJS: under ESM its default export sits on `.default`. */
const LokiJSAdapter = LokiModule.default;

// WatermelonDB logs every Loki step to the console; its own switch turns that off.
loggerModule.default.silence();

export const CRASH_POINTS = ['before-push', 'after-push-before-commit', 'after-pull-before-apply'] as const;

export interface WatermelonClientOptions {
  /** Number fields the push diff sends as increments. */
  counters?: readonly string[];
}

async function start(env: ClientEnv, options: WatermelonClientOptions): Promise<WatermelonClient> {
  const kitDb = env.storage.open('watermelon-adapter');
  const adapter = new LokiJSAdapter({
    dbName: 'watermelon',
    schema: SCHEMA,
    useWebWorker: false,
    useIncrementalIndexedDB: false,
    // The (undocumented) option that takes a Loki persistence adapter.
    _testLokiAdapter: new FileStoreLokiAdapter(new FileStore(env.storage.open('loki-files'))),
    onSetUpError: (error: Error) => env.reportError(error),
  } as ConstructorParameters<typeof LokiJSAdapter>[0]);
  const database = new Database({ adapter, modelClasses: MODEL_CLASSES });
  const client = new WatermelonClient({
    env,
    database,
    transport: createTransport(env),
    ledger: new OpLedger(kitDb),
    meta: new KeyValueStorage(kitDb, { table: 'watermelon_pull' }),
    counters: options.counters ?? ['likes'],
    pageLimit: 100,
    counts: { pushed: 0, pulled: 0 },
  });
  client.start();
  return client;
}

export function createWatermelonClient(options: WatermelonClientOptions = {}): ClientFactory {
  return {
    name: 'watermelondb',
    description:
      'WatermelonDB 0.28: LokiJS adapter persisted through env.storage, synchronize() over the reference protocol',
    // synchronize() merges per column: a column changed locally wins over the server's
    // (last writer to push wins); applyRemote destroys local edits of records the server
    // reports deleted, and a local delete is sent unconditionally.
    policy: { default: 'lww', deletes: 'delete-wins' },
    capabilities: { conflictInbox: false, recordStatus: true },
    collections: ['notes', 'tasks'],
    crashPoints: CRASH_POINTS,
    start: (env) => start(env, options),
  };
}

export const client: ClientFactory = createWatermelonClient();
export default client;
