/**
 * @module kernel/outside-waits
 * Waits outside virtual time. Device code may await real work: WebCrypto (`crypto.subtle`
 * runs on a thread pool), a file callback, a real timer when virtualization is off. Virtual
 * time must not move past such a wait, or the run would depend on how fast the machine is.
 * An async hook notes every real async request a device's code starts (a `*REQ*` resource,
 * a real Timeout or Immediate), and the run loop, before it takes the next event, waits in
 * real time until those have called back, each for at most `OUTSIDE_WAIT_MS_MAX` real ms.
 * One that never calls back is abandoned and reported as "waiting on something outside
 * virtual time", with its kind and where it was started; virtual time then goes on.
 *
 * Promises are not tracked (they settle within the run loop's turn); neither are long-lived
 * handles (sockets, file handles, workers), which are not waits.
 */
import { createHook } from 'node:async_hooks';
import { currentDevice } from './device-context.ts';
import { callSite } from './leaks.ts';
import { realNowMs, realSleep, realTurn } from './real-time.ts'; // allowed: bounded real-time waits on real work, outside virtual time

/** Bound on one wait outside virtual time, in real ms: an outer guard, not a timing. */
export const OUTSIDE_WAIT_MS_MAX = 5_000;
/** Real ms spent spinning on the event loop before the wait sleeps between looks. */
const SPIN_MS_MAX = 2;
/** Async resources that are one request with one callback (fs, crypto, dns, zlib, stream writes) or a timer. */
const TRACKED = /REQ|WRAP$|^Timeout$|^Immediate$/;
/**
 * Not waits: long-lived handles, and RANDOMBYTESREQUEST (Node refills randomUUID's entropy
 * cache with one that never reports back to async hooks; random bytes take no time anyway).
 */
const LONG_LIVED =
  /^(RANDOMBYTESREQUEST|TCPWRAP|TCPSERVERWRAP|PIPEWRAP|PIPESERVERWRAP|TTYWRAP|UDPWRAP|PROCESSWRAP|SIGNALWRAP|FSEVENTWRAP|STATWATCHER|TIMERWRAP|HTTPINCOMINGMESSAGE|HTTPCLIENTREQUEST|JSSTREAM|JSUDPWRAP|MESSAGEPORT|WORKER|ZLIB)$/;

/** One real request a device started and is (or was) waiting for. */
export interface OutsideWait {
  device: string;
  /** Node's async resource type: HASHREQUEST, FSREQCALLBACK, Timeout ... */
  type: string;
  /** `file:line` where the device's code started it. */
  site: string;
}

/** "phone: waiting on something outside virtual time (HASHREQUEST, created at x.ts:12)". */
export function describeOutsideWait(wait: OutsideWait): string {
  return `${wait.device}: waiting on something outside virtual time (${wait.type}, created at ${wait.site})`;
}

interface Tracked extends OutsideWait {
  asyncId: number;
  owner: OutsideWaits;
  /** Real ms when the run loop first waited for it. */
  waitingSinceMs: number | undefined;
}

const tracked = new Map<number, Tracked>();
let hookEnabled = false;

/**
 * Watches for tracked requests to call back (`before`) or go away (`destroy`). Enabled only
 * while something is tracked: these hooks fire for every promise too, which would cost a
 * run that awaits nothing real about a fifth of its time.
 */
const doneHook = createHook({
  before(asyncId) {
    const entry = tracked.get(asyncId);
    // A timer is done when it is destroyed (an interval runs many times); a request when it calls back.
    if (entry !== undefined && entry.type !== 'Timeout') forget(asyncId, entry);
  },
  destroy(asyncId) {
    const entry = tracked.get(asyncId);
    if (entry !== undefined) forget(asyncId, entry);
  },
});

function enableHook(): void {
  if (hookEnabled) return;
  hookEnabled = true;
  createHook({
    init(asyncId, type) {
      if (type === 'PROMISE') return;
      const context = currentDevice();
      if (context?.outside === undefined || !TRACKED.test(type) || LONG_LIVED.test(type)) return;
      const site = callSite();
      if (context.virtualize && (type === 'Timeout' || type === 'Immediate')) {
        // A timer the device made with a reference to the real function taken before patching.
        const api = type === 'Timeout' ? 'setTimeout' : 'setImmediate';
        context.leaks.record(context.deviceId, `${api} (captured before patching)`);
      }
      const entry: Tracked = {
        asyncId,
        device: context.deviceId,
        type,
        site,
        owner: context.outside,
        waitingSinceMs: undefined,
      };
      if (tracked.size === 0) doneHook.enable();
      tracked.set(asyncId, entry);
      context.outside.pending.add(entry);
    },
  }).enable();
}

function forget(asyncId: number, entry: Tracked): void {
  tracked.delete(asyncId);
  entry.owner.pending.delete(entry);
  if (tracked.size === 0) doneHook.disable();
}

/** The real requests of one run's devices; the run's scheduler waits on it before each event. */
export class OutsideWaits {
  readonly pending = new Set<Tracked>();
  /** Waits that did not settle within the bound, in the order they were given up. */
  readonly abandoned: OutsideWait[] = [];
  /** Told of each abandoned wait once (the simulation records it). */
  onAbandon: (wait: OutsideWait) => void = () => {};

  constructor(readonly waitMsMax = OUTSIDE_WAIT_MS_MAX) {
    enableHook();
  }

  get abandonedCount(): number {
    return this.abandoned.length;
  }

  describeAbandoned(from: number): string | undefined {
    const waits = this.abandoned.slice(from);
    return waits.length === 0 ? undefined : waits.map(describeOutsideWait).join('; ');
  }

  /** True while some device awaits real work. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Waits in real time until nothing is pending; a wait older than the bound is abandoned
   * (reported, and not waited for again).
   */
  async settle(): Promise<void> {
    const startMs = realNowMs();
    while (this.pending.size > 0) {
      const nowMs = realNowMs();
      for (const entry of this.pending) {
        entry.waitingSinceMs ??= nowMs;
        if (nowMs - entry.waitingSinceMs >= this.waitMsMax) this.abandon(entry);
      }
      if (this.pending.size === 0) return;
      // Spin on the event loop first (a digest takes microseconds), then sleep between looks.
      if (nowMs - startMs < SPIN_MS_MAX) await realTurn();
      else await realSleep(1);
    }
  }

  private abandon(entry: Tracked): void {
    forget(entry.asyncId, entry);
    const wait = { device: entry.device, type: entry.type, site: entry.site };
    this.abandoned.push(wait);
    this.onAbandon(wait);
  }

  /** Forgets everything pending (the run is over); a late callback is then nobody's. */
  close(): void {
    for (const entry of this.pending) forget(entry.asyncId, entry);
  }
}

/** For tests: how many real requests are tracked across the process. */
export function trackedCount(): number {
  return tracked.size;
}
