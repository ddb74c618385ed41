/**
 * @module client/process/session
 * One incarnation of a process client: the child process and the simulator's side of its
 * turns. Each event (an app call, a fetch's response, a timer, an OS event) is one turn:
 * the event goes to the child, then its messages are read and acted on, synchronously,
 * until it says `done`. Its fetches go through `env.fetch`, its timers through
 * `env.clock`, its random draws, ids and crash points through `env`, so the run stays
 * deterministic in virtual time. A child that breaks the protocol (garbage on stdout, an
 * early exit, a closed stdout, no `done` in time, a malformed result) fails this instance: it is killed,
 * its pending calls reject with a message that names the device and the step, and the
 * error is reported once as `device.error`. A kill SIGKILLs the child.
 */
import { mkdirSync } from 'node:fs';
import type { TimerId } from '../../kernel/clock.ts';
import type { ClientEnv, ReadCall, SyncClient } from '../contract.ts';
import { DeviceKilled, READ_CALLS } from '../contract.ts';
import { type ChannelRead, ProcessChannel } from './channel.ts';
import { giveIdle, processPool, takeIdle } from './pool.ts';
import {
  type AppMethod,
  type ClientMessage,
  fetchErrorCode,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientMessage,
  resultProblem,
  type SimulatorMessage,
} from './protocol.ts';

export interface SessionOptions {
  command: string;
  /** Real-time bound on one turn, ms. */
  turnTimeoutMs: number;
  /** Real-time bound on the start turn (process start-up included), ms. */
  startTimeoutMs: number;
  cwd?: string;
  env?: Record<string, string>;
  /**
   * The client declared `reusable`: a kill ends the incarnation inside the child (a `kill`
   * event, or `kill: true` at a crash point), which then waits in the pool for the next start.
   */
  reusable?: boolean;
  /** The client declared `batches`: a view read (`READ_CALLS`) goes in one `calls` turn. */
  batches?: boolean;
}

/** A process client broke the protocol; the message says which device, which step, and what. */
export class ProcessClientError extends Error {
  override name = 'ProcessClientError';
}

/** Turns, lines and queries (`crashPoint` ones apart) exchanged with children by this process (for benchmarks and tests). */
export const processTraffic = { turns: 0, lines: 0, queries: 0, crashPointQueries: 0 };

/** Bound on messages in one turn: a child that loops on queries fails instead of hanging the run. */
export const MESSAGES_PER_TURN_MAX = 100_000;

const LINE_SHOWN_MAX = 200;

/** Messages after which the child waits for an answer. */
const QUERIES = new Set<ClientMessage['type']>(['random', 'uuid', 'now', 'crashPoint']);

/**
 * The draws after the first of a query with a `count`, in order: the stream is the
 * incarnation's own, so they are what the following queries would have answered.
 */
function drawMore<T>(count: number | undefined, draw: () => T): T[] | undefined {
  if (count === undefined || count <= 1) return undefined;
  const more: T[] = [];
  for (let index = 1; index < count; index++) more.push(draw());
  return more;
}

interface PendingCall {
  method: AppMethod;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class ProcessSession {
  private readonly channel: ProcessChannel;
  /** What the child was started with (its key in the pool of idle children). */
  private readonly poolKey: string;
  private readonly calls = new Map<number, PendingCall>();
  private readonly fetches = new Map<number, AbortController>();
  private readonly timers = new Map<number, TimerId>();
  private callIdNext = 1;
  private failure: ProcessClientError | undefined;
  private killed = false;
  private inTurn = false;
  /** A reusable child's incarnation was killed inside the current turn: the turn ends it. */
  private killedInTurn = false;
  /** After the start turn: failures are reported from then on (a failed start is reported by the host). */
  private started = false;
  /** While a `calls` turn runs: its call ids, and those the child says it did not start. */
  private batch: { ids: Set<number>; notRun: Set<number> } | undefined;

  private constructor(
    private readonly env: ClientEnv,
    private readonly options: SessionOptions,
  ) {
    this.poolKey = JSON.stringify([options.command, options.cwd, options.env, env.deviceId]);
    this.channel = (options.reusable ? takeIdle(this.poolKey) : undefined) ?? this.spawn();
  }

  private spawn(): ProcessChannel {
    const { env, options } = this;
    const environment = { ...process.env, ...options.env, SYNCSTORM_DEVICE: env.deviceId, PYTHONUNBUFFERED: '1' };
    processPool.spawned++;
    return new ProcessChannel({
      command: options.command,
      env: environment,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  }

  /** Spawns the child for this incarnation and runs its start turn. */
  static start(env: ClientEnv, options: SessionOptions): SyncClient {
    mkdirSync(env.storage.directory, { recursive: true });
    const session = new ProcessSession(env, options);
    env.signal?.addEventListener('abort', () => session.onKilled(), { once: true });
    const { deviceId, incarnation, baseUrl } = env;
    const { online, foreground } = env.surroundings;
    const storageDir = env.storage.directory;
    const start = {
      type: 'start',
      protocol: PROTOCOL_VERSION,
      deviceId,
      incarnation,
      baseUrl,
      storageDir,
      online,
      foreground,
      ...(env.armedCrashPoint ? { crashPointHints: true } : {}),
    } as const;
    session.turn(start, 'start', options.startTimeoutMs);
    if (session.failure !== undefined) throw session.failure;
    if (session.killed) throw new DeviceKilled(env.deviceId, 'start'); // killed at a crash point while starting
    session.started = true;
    for (const event of ['online', 'offline', 'foreground', 'background'] as const) {
      env.surroundings.on(event, () => session.turn({ type: 'surroundings', event }, `the OS event '${event}'`));
    }
    return session.app();
  }

  private app(): SyncClient {
    const call = <T>(method: AppMethod, ...args: unknown[]) => this.call(method, args) as Promise<T>;
    const batched = this.options.batches ? { [READ_CALLS]: (calls: ReadCall[]) => this.callMany(calls) } : {};
    return {
      ...batched,
      create: (collection, fields) => call('create', collection, fields),
      update: (collection, id, patch) => call('update', collection, id, patch),
      delete: (collection, id) => call('delete', collection, id),
      list: (collection) => call('list', collection),
      sync: () => call('sync'),
      pendingCount: () => call('pendingCount'),
      conflicts: () => call('conflicts'),
      resolve: (conflictId, resolution) => call('resolve', conflictId, resolution),
    };
  }

  private call(method: AppMethod, args: unknown[]): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.killed) return Promise.reject(new DeviceKilled(this.env.deviceId, 'killed'));
    const id = this.callIdNext++;
    const promise = new Promise((resolve, reject) => this.calls.set(id, { method, resolve, reject }));
    this.turn({ type: 'call', id, method, args }, `${method}() (call ${id})`);
    return promise;
  }

  /**
   * Reads in one `calls` turn, as if each were called once the one before it settled: the
   * calls the child did not start (one before them had not settled within the turn) are
   * made afterwards, one by one, each once the one before it settled (and not at all if it
   * failed: they fail with it).
   */
  private callMany(requests: readonly ReadCall[]): Promise<unknown>[] {
    if (this.failure !== undefined || this.killed || requests.length < 2) return this.oneByOne(requests);
    const calls = requests.map(({ method, args }) => ({ id: this.callIdNext++, method, args }));
    const promises = calls.map(
      ({ id, method }) => new Promise((resolve, reject) => this.calls.set(id, { method, resolve, reject })),
    );
    const batch = { ids: new Set(calls.map(({ id }) => id)), notRun: new Set<number>() };
    this.batch = batch;
    try {
      const ids = `calls ${calls[0]?.id}-${calls[calls.length - 1]?.id}`;
      this.turn({ type: 'calls', calls }, `${calls.map(({ method }) => `${method}()`).join(', ')} (${ids})`);
    } finally {
      this.batch = undefined;
    }
    let previous: Promise<unknown> = Promise.resolve();
    return calls.map(({ id, method, args }, index) => {
      let promise = promises[index] as Promise<unknown>;
      if (batch.notRun.has(id) && this.calls.delete(id)) {
        const rethrow = (error: unknown) => Promise.reject(error);
        promise = previous.then(() => this.call(method, args), rethrow);
      }
      promise.catch(() => {}); // its caller may stop at an earlier one; it still hears of this one
      previous = promise;
      return promise;
    });
  }

  /** `requests` called one by one, each once the one before it settled. */
  private oneByOne(requests: readonly ReadCall[]): Promise<unknown>[] {
    let previous: Promise<unknown> = Promise.resolve();
    return requests.map(({ method, args }, index) => {
      previous = index === 0 ? this.call(method, args) : previous.then(() => this.call(method, args));
      previous.catch(() => {});
      return previous;
    });
  }

  /** One turn: sends the event, handles the child's messages until `done`. Never throws. */
  private turn(event: SimulatorMessage, step: string, timeoutMs = this.options.turnTimeoutMs): void {
    if (this.failure !== undefined || this.killed) return;
    if (this.inTurn)
      throw new Error(`[syncstorm] process client: '${step}' started inside another turn (a syncstorm bug)`);
    this.inTurn = true;
    processTraffic.turns++;
    try {
      // Where a crash point would kill during this turn (nothing else arms one meanwhile).
      const armed = event.type === 'hello' || event.type === 'kill' ? undefined : this.env.armedCrashPoint?.();
      this.channel.send(JSON.stringify(armed === undefined ? event : { ...event, armed }));
      for (let count = 0; !this.killed; count++) {
        if (count >= MESSAGES_PER_TURN_MAX)
          throw this.broken(step, `sent more than ${MESSAGES_PER_TURN_MAX} messages without ending its turn`);
        const message = this.next(this.channel.read(timeoutMs), step, timeoutMs);
        processTraffic.lines++;
        if (message.type === 'done') return;
        if (QUERIES.has(message.type)) processTraffic.queries++;
        if (message.type === 'crashPoint') processTraffic.crashPointQueries++;
        this.handle(message, step);
      }
    } catch (error) {
      if (error instanceof DeviceKilled) this.onKilled();
      else if (error instanceof ProcessClientError) this.fail(error);
      else throw error;
    } finally {
      this.inTurn = false;
      if (this.killedInTurn) {
        this.killedInTurn = false;
        this.retire(false);
      }
    }
  }

  private next(read: ChannelRead, step: string, timeoutMs: number): ClientMessage {
    if ('timeout' in read) {
      throw this.broken(
        step,
        `did not end its turn within ${timeoutMs} ms of real time (it hangs, or never wrote {"type":"done"})`,
      );
    }
    if ('stdoutClosed' in read) throw this.broken(step, 'closed its stdout (it can no longer answer; it was killed)');
    if ('failed' in read) throw this.broken(step, read.failed);
    if ('exit' in read) {
      const { code, signal, error } = read.exit;
      const how =
        error !== undefined
          ? `could not be started (${error})`
          : signal !== null
            ? `was killed by ${signal}`
            : `exited with code ${code}`;
      throw this.broken(step, how);
    }
    try {
      return parseClientMessage(read.line);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      const shown = read.line.length > LINE_SHOWN_MAX ? `${read.line.slice(0, LINE_SHOWN_MAX)}…` : read.line;
      throw this.broken(step, `wrote ${error.message} on stdout: ${JSON.stringify(shown)}`);
    }
  }

  private handle(message: ClientMessage, step: string): void {
    const { env } = this;
    switch (message.type) {
      case 'result':
        this.settle(message, step);
        break;
      case 'fetch':
        this.fetch(message);
        break;
      case 'abort':
        this.fetches.get(message.fetchId)?.abort();
        break;
      case 'setTimer':
        this.setTimer(message.timerId, message.delayMs);
        break;
      case 'clearTimer':
        env.clock.clearTimeout(this.timers.get(message.timerId));
        this.timers.delete(message.timerId);
        break;
      case 'log':
        env.log(message.event);
        break;
      case 'reportError':
        env.reportError(new Error(`process client: ${message.message}`));
        break;
      case 'random': {
        const value = env.random();
        const more = drawMore(message.count, env.random);
        this.answer(more === undefined ? { type: 'random', value } : { type: 'random', value, more });
        break;
      }
      case 'uuid': {
        const value = env.uuid();
        const more = drawMore(message.count, env.uuid);
        this.answer(more === undefined ? { type: 'uuid', value } : { type: 'uuid', value, more });
        break;
      }
      case 'now':
        this.answer({ type: 'now', value: env.clock.now() });
        break;
      case 'crashPoint':
        try {
          env.crashPoint(message.name); // throws DeviceKilled when the simulator kills the device here
        } catch (error) {
          if (this.killedInTurn) this.answer({ type: 'crashPoint', kill: true });
          throw error;
        }
        this.answer({ type: 'crashPoint', kill: false });
        break;
      case 'notRun':
        for (const id of message.ids) {
          if (this.batch?.ids.has(id) !== true)
            throw this.broken(step, `said it did not run call ${id}, not one of this turn's`);
          this.batch.notRun.add(id);
        }
        break;
      case 'hello':
        throw this.broken(step, "sent 'hello' outside the hello turn");
    }
  }

  private answer(message: SimulatorMessage): void {
    this.channel.send(JSON.stringify(message));
  }

  private settle(message: Extract<ClientMessage, { type: 'result' }>, step: string): void {
    const call = this.calls.get(message.id);
    if (call === undefined) throw this.broken(step, `answered call ${message.id}, which is not pending`);
    this.calls.delete(message.id);
    if (message.error !== undefined) {
      call.reject(new Error(`${call.method}() failed in the process client: ${message.error}`));
      return;
    }
    const value = message.value ?? undefined;
    const problem = resultProblem(call.method, value);
    if (problem !== undefined) throw this.broken(step, `returned a malformed result for ${call.method}(): ${problem}`);
    call.resolve(value);
  }

  private setTimer(timerId: number, delayMs: number): void {
    this.env.clock.clearTimeout(this.timers.get(timerId));
    const handle = this.env.clock.setTimeout(() => {
      this.timers.delete(timerId);
      this.turn({ type: 'timer', timerId }, `timer ${timerId}`);
    }, delayMs);
    this.timers.set(timerId, handle);
  }

  private fetch(message: Extract<ClientMessage, { type: 'fetch' }>): void {
    const { fetchId } = message;
    const controller = new AbortController();
    this.fetches.set(fetchId, controller);
    const init: RequestInit = { method: message.method, signal: controller.signal };
    if (message.headers !== undefined) init.headers = message.headers;
    if (message.body !== undefined) init.body = message.body;
    const step = `the response to fetch ${fetchId} (${message.method} ${message.url})`;
    const respond = (event: SimulatorMessage) => {
      this.fetches.delete(fetchId);
      this.turn(event, step);
    };
    this.env
      .fetch(new URL(message.url, this.env.baseUrl), init)
      .then(async (response) => {
        const body = await response.text();
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        return { type: 'response', fetchId, status: response.status, headers, body } as const;
      })
      .then(respond, (error: unknown) => respond({ type: 'response', fetchId, error: fetchErrorCode(error) }));
  }

  private broken(step: string, what: string): ProcessClientError {
    const stderr = this.channel.stderr.trim().split('\n').slice(-5).join('\n    ');
    const where = `process client '${this.options.command}' on device ${this.env.deviceId} (incarnation ${this.env.incarnation})`;
    const tail = stderr === '' ? '' : `\n  its last stderr lines:\n    ${stderr}`;
    return new ProcessClientError(`[syncstorm] ${where} ${what} while handling ${step}${tail}`);
  }

  /** The child broke the protocol: it is killed, its callers hear why, and the error is reported once. */
  private fail(error: ProcessClientError): void {
    this.failure = error;
    this.channel.kill();
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
    if (this.started) this.env.reportError(error);
  }

  /**
   * The simulator killed this incarnation: so dies the process, or, for a reusable client,
   * the incarnation inside it (at once between turns, when the turn returns inside one).
   */
  private onKilled(): void {
    if (this.killed) return;
    this.killed = true;
    if (this.options.reusable !== true || this.failure !== undefined) this.channel.kill();
    else if (this.inTurn) this.killedInTurn = true;
    else this.retire(true);
    for (const call of this.calls.values()) call.reject(new DeviceKilled(this.env.deviceId, 'killed'));
    this.calls.clear();
  }

  /**
   * Ends a reusable child's killed incarnation: the rest of the turn it was killed in (if
   * any), then the `kill` turn. Nothing of it reaches the run. A child that does not end
   * them cleanly is killed; one that does waits in the pool for the next start.
   */
  private retire(betweenTurns: boolean): void {
    if (betweenTurns || this.endTurnOfTheDead()) {
      processTraffic.turns++;
      this.channel.send('{"type":"kill"}');
      if (this.endTurnOfTheDead()) {
        giveIdle(this.poolKey, this.channel);
        return;
      }
    }
    this.channel.kill();
  }

  /** Reads a dead incarnation's messages up to `done`; false if it never comes or the child waits for an answer. */
  private endTurnOfTheDead(): boolean {
    for (let count = 0; count < MESSAGES_PER_TURN_MAX; count++) {
      const read = this.channel.read(this.options.turnTimeoutMs);
      if (!('line' in read)) return false;
      processTraffic.lines++;
      let type: ClientMessage['type'];
      try {
        type = parseClientMessage(read.line).type;
      } catch (error) {
        if (error instanceof ProtocolError) return false;
        throw error;
      }
      if (type === 'done') return true;
      if (QUERIES.has(type)) return false;
    }
    return false;
  }
}
