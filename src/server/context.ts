/**
 * @module server/context
 * Everything a route needs, built once per ReferenceServer. Each component keeps its own
 * forked random stream (tokens, faults, page shuffles), so adding a fault rule never changes
 * the tokens handed out.
 */
import type { Rng } from '../kernel/rng.ts';
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Trace } from '../kernel/trace.ts';
import { TokenIssuer } from './auth.ts';
import { Automation } from './automation.ts';
import type { ServerConfig } from './config.ts';
import { FaultEngine } from './faults.ts';
import { ServerHistory } from './history.ts';
import { IdempotencyStore } from './idempotency.ts';
import { LongPoll } from './long-poll.ts';
import { CursorRetention } from './retention.ts';
import { ServerClock } from './server-clock.ts';
import { RecordStore } from './store.ts';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly collections: ReadonlySet<string>;
  readonly scheduler: Scheduler;
  readonly clock: ServerClock;
  readonly store: RecordStore;
  readonly idempotency: IdempotencyStore;
  readonly tokens: TokenIssuer;
  readonly faults: FaultEngine;
  readonly history: ServerHistory;
  readonly automation: Automation;
  readonly longPoll: LongPoll;
  /** Draws for page reordering (the changes-out-of-order fault). */
  readonly pageRng: Rng;
  /** Which cursors are still honoured (cursor-expired, compaction). */
  readonly retention: CursorRetention;
}

export interface ContextOptions {
  scheduler: Scheduler;
  rng: Rng;
  trace: Trace;
  config: ServerConfig;
}

export function createContext(options: ContextOptions): ServerContext {
  const { scheduler, rng, trace, config } = options;
  const clock = new ServerClock(scheduler);
  const store = new RecordStore();
  const history = new ServerHistory(trace);
  return {
    config,
    collections: new Set(config.collections),
    scheduler,
    clock,
    store,
    idempotency: new IdempotencyStore(config.idempotencyRetentionMs, () => clock.now()),
    tokens: new TokenIssuer(rng.fork('tokens'), config.tokenTtlMs, () => clock.now()),
    faults: new FaultEngine(rng.fork('faults'), history, () => clock.elapsedMs()),
    history,
    automation: new Automation(store, history, clock),
    longPoll: new LongPoll(scheduler, store),
    pageRng: rng.fork('pages'),
    retention: new CursorRetention(),
  };
}
