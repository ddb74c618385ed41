/**
 * @module sim/supervisor
 * A supervised child process that runs client code, one task at a time. The main process
 * never runs a client: every run (a seed, a scenario, a shrink candidate, a repro's
 * confirmation run, a replay) and every look at a user's client module happens in such a
 * child, under three bounds:
 * - memory: the child's heap is capped (`--max-old-space-size`, HEAP_MB_DEFAULT);
 * - wall time, counted from the moment the child says it started the task (its client is
 *   loaded), so neither process start-up nor tsx nor a module's import counts against it;
 *   loading has a bound of its own (LOAD_TIME_LIMIT_MS_DEFAULT);
 * - events: the task carries the run's event bound (sim/simulation's runEventsMax).
 * A child that exits (even with code 0), dies, runs out of memory or overruns becomes a
 * ClientError for that task (sim/child-exit says which); the next task gets a fresh child. Nothing a child does can
 * throw in this process: IPC errors (a child that died while a message was in flight) are
 * absorbed and reported through the child's exit. Real time is read here on purpose: it
 * bounds the simulator from outside, it never enters a run.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { deathError, type LiveChild, overrunError, readStderr, seconds } from './child-exit.ts';
import type { ClientError } from './client-errors.ts';

/** Heap of a child that runs client code, MB (`--memory-limit`). */
export const HEAP_MB_DEFAULT = 512;
/**
 * Wall time a child may take to load its client before the task starts, ms: a hang guard.
 * Loading through tsx took over 60 s on a 2-core machine at a load average of 45 (issue 19).
 */
export const LOAD_TIME_LIMIT_MS_DEFAULT = 600_000;
/** Bound on the scheduler events of one run in a child (chaos, heal and all). */
export const RUN_EVENTS_MAX_DEFAULT = 50_000_000;

/**
 * V8 flags of every child. A young generation of up to 64 MB per semi-space (V8's default
 * is 16): at 1,000 devices hundreds of syncs are in flight at once, so each scavenge of a
 * 16 MB space found most of it alive and copied it (≈ 700 scavenges of ≈ 14 ms); with 64 MB
 * the 1,000-device seed costs ≈ 5–9 % less CPU, 128 MB saves nothing more (bench/README.md).
 * V8 grows the space only when survivors demand it: the standard 3-device seed costs no more.
 */
export const CHILD_V8_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface SupervisorOptions {
  /** The child's module (run with the tsx loader). */
  workerPath: string;
  args?: string[];
  heapMb?: number;
  loadTimeLimitMs?: number;
  /** Where the child's stderr goes; default: this process's stderr. */
  stderr?: (text: string) => void;
}

export type TaskOutcome<T> =
  | { ok: true; value: T }
  /** `usage`: the child found bad input (a client module that does not load). */
  | { ok: false; error: ClientError; usage?: boolean };

/** What a child sends back about task `id`. */
export type ChildReply = { id: number; started: true } | { id: number; value: unknown } | ChildFailure;

export interface ChildFailure {
  id: number;
  error: string;
  kind?: ClientError['kind'];
  usage?: boolean;
}

/** Kills the process clients a dead (or killed) child left behind: they run detached. */
function reap(live: LiveChild): void {
  for (const pid of live.grandchildren) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.grandchildren.clear();
}

/** A handle that can keep the event loop alive or not (a child, its channel, a pipe). */
interface Refable {
  ref?: () => void;
  unref?: () => void;
}

export class SupervisedChild {
  private live: LiveChild | undefined;
  private idNext = 1;
  private readonly heapMb: number;

  constructor(private readonly options: SupervisorOptions) {
    this.heapMb = options.heapMb ?? HEAP_MB_DEFAULT;
  }

  /** Starts the child now (it loads while the caller does other things). */
  warm(): void {
    this.child();
  }

  /**
   * Whether the child may keep this process alive. A child kept warm between uses (the
   * campaign pool) is let go of while idle, so that a command can end with it still up;
   * `run` holds on to it again.
   */
  hold(held: boolean): void {
    const live = this.live;
    if (live === undefined || live.closed !== undefined) return;
    // The IPC channel and the stderr pipe are handles of their own: each must let go too.
    const handles = [live.process, live.process.channel, live.process.stderr] as Array<Refable | null | undefined>;
    for (const handle of handles) {
      if (held) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Whether a child is up (loaded or loading) and not known to be gone. */
  get up(): boolean {
    const live = this.live;
    return live !== undefined && live.closed === undefined && !live.disconnected && !live.process.killed;
  }

  /** The process id of the current child, if any (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.up ? this.live?.process.pid : undefined;
  }

  private child(): LiveChild {
    const current = this.live;
    // A child that was stopped (its close may not have been seen yet) is never reused.
    if (current !== undefined && current.closed === undefined && !current.disconnected && !current.process.killed)
      return current;
    current?.process.kill('SIGKILL');
    const child = fork(this.options.workerPath, this.options.args ?? [], {
      execArgv: ['--import', tsxLoader, `--max-old-space-size=${this.heapMb}`, ...CHILD_V8_FLAGS],
      env: { ...process.env, SYNCSTORM_SUPERVISED: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const live: LiveChild = {
      process: child,
      stderrTail: '',
      partialLine: '',
      muted: false,
      grandchildren: new Set(),
      disconnected: false,
    };
    child.on('error', () => undefined); // a send to a dead child: its close says what happened
    child.on('disconnect', () => {
      live.disconnected = true;
    });
    child.on('close', (code, signal) => {
      live.closed = { code, signal };
      reap(live);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => readStderr(live, text, this.options.stderr));
    this.live = live;
    return live;
  }

  /**
   * Sends `task` (an object; an `id` is added) and waits for its value. `wallMs` counts
   * from the child's `started`; `what` names the task in messages ("seed 3").
   */
  run<T>(task: Record<string, unknown>, wallMs: number, what: string): Promise<TaskOutcome<T>> {
    const live = this.child();
    this.hold(true);
    const id = this.idNext++;
    const loadMs = this.options.loadTimeLimitMs ?? LOAD_TIME_LIMIT_MS_DEFAULT;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let started = false;
      const done = (outcome: TaskOutcome<T>) => {
        clearTimeout(timer); // allowed: a wall-time bound outside the simulated world
        live.process.off('message', onMessage);
        live.process.off('close', onClose);
        live.process.off('disconnect', onDisconnect);
        resolve(outcome);
      };
      const stop = (error: ClientError) => {
        live.process.kill('SIGKILL');
        reap(live);
        done({ ok: false, error });
      };
      const onMessage = (reply: ChildReply) => {
        if (reply?.id !== id) return;
        if ('started' in reply) {
          started = true;
          const startedAt = performance.now(); // allowed: wall-time bound outside the simulated world
          clearTimeout(timer); // allowed: a wall-time bound outside the simulated world
          const overrun = () => stop(overrunError(what, performance.now() - startedAt, wallMs)); // allowed: idem
          timer = setTimeout(overrun, wallMs); // allowed: wall-time watchdog outside the simulated world
          return;
        }
        if ('value' in reply) return done({ ok: true, value: reply.value as T });
        const kind = reply.kind ?? 'client-error';
        done({ ok: false, error: { kind, message: reply.error }, ...(reply.usage ? { usage: true } : {}) });
      };
      const onClose = () =>
        done({ ok: false, error: deathError(live, started ? what : `${what} (loading the client)`, this.heapMb) });
      const onDisconnect = () => {
        // A client that closed the channel cannot answer: the child is of no further use.
        setImmediate(() => {
          if (live.closed === undefined) live.process.kill('SIGKILL');
        });
      };
      const notLoaded = () =>
        stop({
          kind: 'client-timeout',
          message: `the client did not load within ${seconds(loadMs)} of wall time for ${what}`,
        });
      timer = setTimeout(notLoaded, loadMs); // allowed: wall-time watchdog outside the simulated world
      live.process.on('message', onMessage);
      live.process.on('close', onClose);
      live.process.on('disconnect', onDisconnect);
      if (live.closed !== undefined) return onClose();
      try {
        live.process.send({ ...task, id }, (error) => {
          if (error) live.process.kill('SIGKILL'); // its close reports the death
        });
      } catch {
        live.process.kill('SIGKILL');
      }
    });
  }

  close(): void {
    const live = this.live;
    this.live = undefined;
    if (live === undefined) return;
    live.process.kill('SIGKILL');
    reap(live);
  }
}
