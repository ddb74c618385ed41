/**
 * @module examples/rxdb
 * RxDB 17 under the syncstorm gate, engine code unmodified: the replication plugin
 * (`replicateRxCollection`) with custom pull/push handlers that speak syncstorm's
 * reference protocol through the adapter kit, RxDB's localstorage storage over the kit's
 * SQLite-backed localStorage (so it survives kills), and RxDB's default conflict handler.
 * RxDB's own timers (its retry every `retryTime`), `Date.now()` and `Math.random()` are
 * left as they are: syncstorm's per-device virtual globals make them deterministic.
 *
 * Run it: `npx syncstorm run scenarios/ --client ./examples/rxdb/index.ts` (README.md).
 */
import type Database from 'better-sqlite3';
import { type ClientEnv, type ClientFactory, createTransport, KeyValueStorage, OpLedger } from '../../src/index.ts';
import { RxdbClient } from './client.ts';
import { openDatabase } from './database.ts';
import { startReplication } from './replication.ts';
import { Tracking } from './tracking.ts';

export const CRASH_POINTS = ['before-push', 'after-push-before-commit', 'after-pull-before-apply'] as const;

export interface RxdbClientOptions {
  /** RxDB's retry interval after a failed handler; default RxDB's own, 5 s. */
  retryTimeMs?: number;
  /** Number fields the push diff sends as increments. */
  counters?: readonly string[];
}

/** Installs started in this process (a campaign worker runs many). */
let installsInProcess = 0;

/**
 * The database name of this install: the device id and the install's number in this
 * process, minted on first start and kept in storage (restarts reuse it). RxDB allows one
 * open database per name in a process; a name that is new for every install means a run
 * never waits for an earlier run's database to close. The name never reaches the trace.
 */
function installName(env: ClientEnv, kitDb: Database.Database): string {
  const meta = new KeyValueStorage(kitDb, { table: 'rxdb_adapter_meta' });
  const held = meta.getItem('install-name');
  if (held !== null) return held;
  const name = `${env.deviceId}-${++installsInProcess}`;
  meta.setItem('install-name', name);
  return name;
}

/** RxDB retries every retryTime whatever the server said: a Retry-After holds both handlers until it passed. */
function retryAfterHold(env: ClientEnv) {
  let holding = false;
  return {
    hold(waitMs: number | undefined) {
      if (waitMs === undefined || waitMs <= 0 || holding) return;
      holding = true;
      env.clock.setTimeout(() => (holding = false), waitMs);
    },
    held: () => holding,
  };
}

async function start(env: ClientEnv, options: RxdbClientOptions) {
  const kitDb = env.storage.open('rxdb-adapter');
  const localStorage = new KeyValueStorage(env.storage.open('rxdb-localstorage'), {
    table: 'local_storage',
    whenClosed: 'drop',
  });
  const { database, collection } = await openDatabase(installName(env, kitDb), env.incarnation, localStorage);
  const tracking = new Tracking(kitDb);
  const counts = { pushed: 0, pulled: 0 };
  const { state, resync } = startReplication({
    env,
    collection,
    transport: createTransport(env),
    ledger: new OpLedger(kitDb),
    tracking,
    counters: options.counters ?? ['likes'],
    retryTimeMs: options.retryTimeMs ?? 5_000,
    pageLimit: 50,
    counts,
    ...retryAfterHold(env),
  });
  state.error$.subscribe((error) => env.log({ type: 'rxdb-error', result: String(error.message).slice(0, 200) }));
  // A killed incarnation's collection must be closed, or it keeps counting towards RxDB's
  // open-collection cap. Its storage is already closed by then (writes are dropped).
  // A killed incarnation's timers never fire, so its database.close() never completes:
  // close the collection first, which leaves RxDB's count at once.
  env.signal?.addEventListener('abort', () => {
    state.cancel().catch(() => {});
    collection.close().catch(() => {});
    database.close().catch(() => {});
  });
  const client = new RxdbClient({ env, collection, replication: state, resync, tracking, counts });
  client.start();
  return client;
}

export function createRxdbClient(options: RxdbClientOptions = {}): ClientFactory {
  return {
    name: 'rxdb',
    description:
      "RxDB 17: replication plugin with reference-protocol handlers, localstorage storage, RxDB's default conflict handler",
    // RxDB's default conflict handler keeps the server's state of the whole document.
    policy: { default: 'server-wins' },
    // No conflict inbox (the handler settles every conflict); per-record status is derived
    // by the adapter from the server's answers (tracking.ts).
    capabilities: { conflictInbox: false, recordStatus: true },
    collections: ['notes', 'tasks'],
    crashPoints: CRASH_POINTS,
    start: (env) => start(env, options),
  };
}

export const client: ClientFactory = createRxdbClient();
export default client;
