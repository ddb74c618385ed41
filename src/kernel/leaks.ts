/**
 * @module kernel/leaks
 * The leak tripwire's ledger. Every use of real time or real randomness made by a device's
 * code that was not virtualized (virtualization off, or an API syncstorm does not cover)
 * is counted per device and API, with the first call site outside syncstorm's own files,
 * so that a run can say once: "phone: 38 real setTimeout calls, first at x.js:120".
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One API a device used for real: how often, and where first. */
export interface Leak {
  device: string;
  api: string;
  count: number;
  /** `file:line` of the first call (relative to the working directory when under it). */
  site: string;
}

/** syncstorm's own sources (src/): their frames are never named as a call site. */
const OWN_SOURCES = fileURLToPath(new URL('..', import.meta.url));
/** Frames to look through for a call site outside syncstorm. */
const STACK_FRAMES_MAX = 40;

/** Where the code that called into syncstorm sits: the first stack frame not ours, not Node's. */
export function callSite(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES_MAX;
  const stack = new Error('call site').stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(line);
    if (match === null) continue;
    const file = (match[1] as string).startsWith('file://') ? fileURLToPath(match[1] as string) : (match[1] as string);
    if (file.startsWith('node:') || file.startsWith('internal') || !file.includes(sep)) continue;
    if (file.startsWith(OWN_SOURCES)) continue;
    const shown = file.startsWith(process.cwd() + sep) ? relative(process.cwd(), file) : file;
    return `${shown}:${match[2]}`;
  }
  return 'unknown';
}

export class LeakLog {
  private readonly leaks = new Map<string, Leak>();

  /** Counts one real use of `api` by `device`; the first one records its call site. */
  record(device: string, api: string): void {
    const key = `${device}\u0000${api}`;
    const leak = this.leaks.get(key);
    if (leak !== undefined) {
      leak.count++;
      return;
    }
    this.leaks.set(key, { device, api, count: 1, site: callSite() });
  }

  get size(): number {
    return this.leaks.size;
  }

  /** Every leak, by device then API (a stable order for the trace). */
  list(): Leak[] {
    return [...this.leaks.values()]
      .map((leak) => ({ ...leak }))
      .sort((a, b) => (a.device === b.device ? (a.api < b.api ? -1 : 1) : a.device < b.device ? -1 : 1));
  }
}

/** "phone: 38 real setTimeout calls, first at node_modules/x/y.js:120". */
export function describeLeak(leak: Leak): string {
  return `${leak.device}: ${leak.count} real ${leak.api} call${leak.count === 1 ? '' : 's'}, first at ${leak.site}`;
}
