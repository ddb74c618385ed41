/**
 * @module client/process/host
 * The child side of the process protocol for clients written in TypeScript or JavaScript:
 * runs any client spec (a module path, `reference`, `mutant:<name>`) in a process of its
 * own. `--client "process:node --import tsx src/client/process/host.ts ./my-adapter.ts"`.
 * It serves as the reference implementation of the protocol's child side, as an isolation
 * mode, and as the like-for-like baseline of the process adapter's overhead (the same
 * client in process and out of it).
 *
 * The child owns no time and no randomness: its `env` asks the simulator (blocking reads
 * on stdin for queries; random draws and ids RANDOM_BATCH at a time; a crash point only
 * where the turn's event says one is armed), sends its fetches and timers out, and after each event waits
 * one `setImmediate` (every continuation of the client's async code has run) before it
 * ends the turn. It is reusable: a `kill` event ends the incarnation as the simulator
 * kills an in-process client (its SQLite handles closed, open transactions rolled back,
 * its timers, fetches and listeners dropped, its env dead), and the process waits for the
 * next `start`. Its storage is the simulator's memory mode (sim/storage.ts): SQLite in
 * memory, each database written to its file in `storageDir` when it closes (a kill), read
 * back by the next incarnation's `open`.
 */
import { existsSync, mkdirSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type ClientEnv,
  type ClientFactory,
  DeviceKilled,
  type SurroundingsEvent,
  type SyncClient,
} from '../contract.ts';
import { resolveClient } from '../resolve.ts';
import type { ClientMessage, SimulatorMessage } from './protocol.ts';

type Start = Extract<SimulatorMessage, { type: 'start' }>;

/**
 * Blocking line I/O on fds 0 and 1 (never touched by Node's streams, so they stay
 * blocking). Messages are written in one batch when the child is about to wait (a query,
 * the end of a turn): fewer wake-ups on the simulator's side.
 */
class Lines {
  private buffered = '';
  private outgoing: string[] = [];
  private readonly chunk = Buffer.alloc(65_536);

  read(): string | undefined {
    this.flush();
    for (;;) {
      const newline = this.buffered.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        return line;
      }
      const count = readSync(0, this.chunk);
      if (count === 0) return undefined;
      this.buffered += this.chunk.toString('utf8', 0, count);
    }
  }

  write(message: ClientMessage): void {
    this.outgoing.push(`${JSON.stringify(message)}\n`);
  }

  flush(): void {
    if (this.outgoing.length === 0) return;
    const bytes = Buffer.from(this.outgoing.join(''));
    this.outgoing = [];
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(1, bytes, offset);
  }
}

const io = new Lines();
/** Random draws and ids asked for at once (the rest are kept for the following calls). */
const RANDOM_BATCH = 16;
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function ask<T extends SimulatorMessage['type']>(
  message: ClientMessage,
  type: T,
): Extract<SimulatorMessage, { type: T }> {
  io.write(message);
  const line = io.read();
  if (line === undefined) process.exit(0);
  const answer = JSON.parse(line) as SimulatorMessage;
  if (answer.type !== type) throw new Error(`[syncstorm] host: expected a '${type}' answer, got '${answer.type}'`);
  return answer as Extract<SimulatorMessage, { type: T }>;
}

interface Pending {
  resolve: (response: Response) => void;
  reject: (error: unknown) => void;
}

class ChildEnv {
  readonly fetches = new Map<number, Pending>();
  readonly timers = new Map<number, () => void>();
  readonly listeners: { event: SurroundingsEvent; listener: () => void }[] = [];
  /** The SQLite databases opened through `storage`: in memory, saved to their files by a kill. */
  private readonly databases: { path: string; db: Database.Database }[] = [];
  alive = true;
  online: boolean;
  foreground: boolean;
  /** Where the simulator would kill during the current turn (its event's `armed`), if it says (`crashPointHints`). */
  armed: string | undefined;
  private readonly hints: boolean;
  /** Draws and ids the simulator gave ahead (`more`), used in order before asking again. */
  private readonly randoms: number[] = [];
  private readonly uuids: string[] = [];
  private idNext = 1;

  constructor(private readonly start: Start) {
    this.online = start.online;
    this.foreground = start.foreground;
    this.hints = start.crashPointHints === true;
    this.armed = start.armed;
  }

  /** The incarnation is killed: what it opened is closed, what it waits for never comes, its env is dead. */
  kill(): void {
    this.alive = false;
    for (const { db } of this.databases) if (db.open) db.close();
    this.fetches.clear();
    this.timers.clear();
    this.listeners.length = 0;
  }

  /** Queues a message, unless the incarnation was killed (a dead client's late work reaches nobody). */
  write(message: ClientMessage): void {
    if (this.alive) io.write(message);
  }

  private ask<T extends SimulatorMessage['type']>(
    message: ClientMessage,
    type: T,
  ): Extract<SimulatorMessage, { type: T }> {
    if (!this.alive) throw new Error(`[syncstorm] host: device ${this.start.deviceId} was killed`);
    return ask(message, type);
  }

  env(): ClientEnv {
    const { start, databases } = this;
    mkdirSync(start.storageDir, { recursive: true });
    const self = this;
    return {
      deviceId: start.deviceId,
      incarnation: start.incarnation,
      baseUrl: start.baseUrl,
      fetch: (input, init) => this.fetch(input, init),
      clock: {
        now: () => this.ask({ type: 'now' }, 'now').value,
        setTimeout: (callback, delayMs) => this.setTimer(callback, delayMs),
        clearTimeout: (id) => {
          if (id !== undefined && this.timers.delete(id)) this.write({ type: 'clearTimer', timerId: id });
        },
        sleep: (delayMs) => new Promise((resolve) => this.setTimer(resolve, delayMs)),
      },
      random: () => this.draw(this.randoms, 'random'),
      uuid: () => this.draw(this.uuids, 'uuid'),
      storage: {
        directory: start.storageDir,
        open(name) {
          // As the simulator's memory mode (sim/storage.ts): in memory, from what the last kill saved.
          const path = join(start.storageDir, `${name}.sqlite`);
          if (databases.some((open) => open.path === path))
            throw new Error(`storage.open('${name}') twice in memory mode: share the handle`);
          const db = existsSync(path) ? new Database(readFileSync(path)) : new Database(':memory:');
          const close = db.close.bind(db);
          db.close = () => {
            if (db.open) save(path, db);
            return close();
          };
          databases.push({ path, db });
          return db;
        },
      },
      log: (event) => this.write({ type: 'log', event }),
      reportError: (error) =>
        this.write({
          type: 'reportError',
          message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      crashPoint: (name) => {
        if (!this.alive) throw new DeviceKilled(start.deviceId, name);
        const { armed } = this;
        if (this.hints && (armed === undefined || (armed !== '*' && armed !== name))) return; // not here: no need to ask
        if (this.ask({ type: 'crashPoint', name }, 'crashPoint').kill) {
          this.kill(); // killed right here: nothing the client does from now on reaches the simulator
          throw new DeviceKilled(start.deviceId, name);
        }
      },
      surroundings: {
        get online() {
          return self.online;
        },
        get foreground() {
          return self.foreground;
        },
        on: (event, listener) => {
          const entry = { event, listener };
          this.listeners.push(entry);
          return () => this.listeners.splice(this.listeners.indexOf(entry), 1);
        },
      },
    };
  }

  /** The next draw of `queue`'s kind: from what the simulator gave ahead, or asked for (RANDOM_BATCH at once). */
  private draw<T extends number | string>(queue: T[], type: 'random' | 'uuid'): T {
    const next = queue.shift();
    if (next !== undefined) return next;
    const answer = this.ask({ type, count: RANDOM_BATCH }, type);
    queue.push(...((answer.more ?? []) as T[]));
    return answer.value as T;
  }

  private setTimer(callback: () => void, delayMs: number): number {
    const timerId = this.idNext++;
    this.timers.set(timerId, callback);
    this.write({ type: 'setTimer', timerId, delayMs: Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0 });
    return timerId;
  }

  private fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const fetchId = this.idNext++;
    const url = input instanceof Request ? input.url : String(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init.body === 'string' ? init.body : undefined;
    this.write({
      type: 'fetch',
      fetchId,
      method: init.method ?? 'GET',
      url,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    init.signal?.addEventListener('abort', () => this.write({ type: 'abort', fetchId }), { once: true });
    return new Promise((resolve, reject) => this.fetches.set(fetchId, { resolve, reject }));
  }
}

/**
 * Before a database closes (a kill, or the client's own close): the open transaction rolls
 * back and what was committed goes to its file (written whole, then renamed: a process
 * killed meanwhile leaves the file of the last close).
 */
function save(path: string, db: Database.Database): void {
  if (db.inTransaction) db.exec('ROLLBACK');
  writeFileSync(`${path}.saving`, db.serialize());
  renameSync(`${path}.saving`, path);
}

function fetchError(code: string): Error {
  if (code === 'ABORTED') return new DOMException('This operation was aborted', 'AbortError');
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

type Call = Extract<SimulatorMessage, { type: 'call' }>;

/** Starts an app call; the promise settles once its result is written. */
function startCall(child: ChildEnv, client: SyncClient | undefined, { id, method, args }: Omit<Call, 'type'>) {
  const apply = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
  return Promise.resolve()
    .then(() => apply?.apply(client, args))
    .then(
      (value) => child.write({ type: 'result', id, value: value ?? null }),
      (error: unknown) =>
        child.write({ type: 'result', id, error: error instanceof Error ? error.message : String(error) }),
    );
}

/**
 * A `calls` event: each call started once the one before it settled, as if each came in a
 * turn of its own (a `setImmediate` after each); once one has not settled by then, the
 * rest are not run (`notRun`: the simulator makes them later, one by one).
 */
async function startCalls(child: ChildEnv, client: SyncClient | undefined, calls: Omit<Call, 'type'>[]) {
  for (const [index, call] of calls.entries()) {
    if (!child.alive) return; // killed at a crash point: the simulator knows, and drops the rest
    let settled = false;
    void startCall(child, client, call).then(() => {
      settled = true;
    });
    await settle();
    if (!settled && index + 1 < calls.length) {
      child.write({ type: 'notRun', ids: calls.slice(index + 1).map(({ id }) => id) });
      return;
    }
  }
}

async function handle(
  event: SimulatorMessage,
  state: { factory: ClientFactory; child?: ChildEnv; client?: SyncClient },
) {
  const { factory } = state;
  if (event.type === 'hello') {
    const { name, policy, collections, crashPoints, description } = factory;
    return io.write({
      type: 'hello',
      name,
      policy,
      ...(collections ? { collections: [...collections] } : {}),
      ...(crashPoints ? { crashPoints: [...crashPoints] } : {}),
      ...(description ? { description } : {}),
      reusable: true,
      batches: true,
    });
  }
  if (event.type === 'start') {
    state.child = new ChildEnv(event);
    state.client = await factory.start(state.child.env());
    return;
  }
  const child = state.child as ChildEnv;
  if (event.type === 'kill') {
    child.kill();
    delete state.child;
    delete state.client;
  } else if (event.type === 'call') {
    void startCall(child, state.client, event);
  } else if (event.type === 'calls') {
    await startCalls(child, state.client, event.calls);
  } else if (event.type === 'response') {
    const pending = child.fetches.get(event.fetchId);
    child.fetches.delete(event.fetchId);
    if ('error' in event) pending?.reject(fetchError(event.error));
    else
      pending?.resolve(
        new Response(event.status === 204 ? null : event.body, { status: event.status, headers: event.headers }),
      );
  } else if (event.type === 'timer') {
    const callback = child.timers.get(event.timerId);
    child.timers.delete(event.timerId);
    callback?.();
  } else if (event.type === 'surroundings') {
    if (event.event === 'online' || event.event === 'offline') child.online = event.event === 'online';
    else child.foreground = event.event === 'foreground';
    for (const entry of child.listeners.filter((candidate) => candidate.event === event.event)) entry.listener();
  }
}

async function main(spec: string | undefined): Promise<void> {
  if (spec === undefined) throw new Error('[syncstorm] host: usage: host.ts <client spec>');
  const state: { factory: ClientFactory; child?: ChildEnv; client?: SyncClient } = {
    factory: await resolveClient(spec),
  };
  for (let line = io.read(); line !== undefined; line = io.read()) {
    const event = JSON.parse(line) as SimulatorMessage;
    if (state.child !== undefined && event.type !== 'start')
      state.child.armed = 'armed' in event ? event.armed : undefined;
    try {
      await handle(event, state);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (event.type === 'start') {
        // A client that cannot start: the simulator reports the exit and stderr as a failed start.
        writeSync(2, `${message}\n`);
        process.exit(1);
      }
      io.write({ type: 'reportError', message });
    }
    await settle();
    io.write({ type: 'done' });
    io.flush();
  }
}

await main(process.argv[2]);
