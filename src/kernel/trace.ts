/**
 * @module kernel/trace
 * The recorded history of a run: one JSON object per line, in the order things happened,
 * each stamped with a sequence number and the virtual time. Its sha256 (over the exact
 * lines) is the run's fingerprint: same seed, same hash, in any process.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface TraceEvent {
  /** Position in the trace, from 0. */
  seq: number;
  /** Virtual milliseconds since the start of the simulation. */
  t: number;
  type: string;
  device?: string;
  [field: string]: unknown;
}

export interface TraceOptions {
  /** Virtual time source. */
  now: () => number;
  /** Keep events in memory (checkers need them). Default true. */
  keep?: boolean;
  /** Also stream each line to this file. */
  file?: string;
}

/** Bound on trace events per run; a run past it is a runaway loop. */
export const TRACE_EVENTS_MAX = 5_000_000;

export class Trace {
  /** Kept lines, exactly as hashed; parsed into events only when someone asks (checkers, at the end). */
  private readonly lines: string[] = [];
  private readonly parsed: TraceEvent[] = [];
  private readonly digest: Hash = createHash('sha256');
  private seqNext = 0;
  private fd: number | undefined;

  constructor(private readonly options: TraceOptions) {
    if (options.file !== undefined) this.fd = openSync(options.file, 'w');
  }

  /** Appends an event; `data` must be JSON-serialisable and built deterministically. */
  record(type: string, data: Record<string, unknown> = {}): TraceEvent {
    if (this.seqNext >= TRACE_EVENTS_MAX) throw new Error(`[syncstorm] trace exceeded ${TRACE_EVENTS_MAX} events`);
    const event: TraceEvent = { seq: this.seqNext++, t: this.options.now(), type, ...data };
    const line = JSON.stringify(event);
    this.digest.update(`${line}\n`);
    if (this.fd !== undefined) writeSync(this.fd, `${line}\n`);
    if (this.options.keep !== false) this.lines.push(line);
    return event;
  }

  get length(): number {
    return this.seqNext;
  }

  /** Every kept event, parsed from its line (so it holds exactly what was hashed). */
  events(): readonly TraceEvent[] {
    for (let index = this.parsed.length; index < this.lines.length; index++) {
      this.parsed.push(JSON.parse(this.lines[index] as string) as TraceEvent);
    }
    return this.parsed;
  }

  /** sha256 (hex) of every line so far, each followed by a newline. */
  hash(): string {
    return this.digest.copy().digest('hex');
  }

  /** The trace as JSON lines. */
  toJsonLines(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
