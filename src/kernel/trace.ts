/**
 * @module kernel/trace
 * The recorded history of a run: one JSON object per line, in the order things happened,
 * each stamped with a sequence number and the virtual time. Its sha256 (over the exact
 * lines) is the run's fingerprint: same seed, same hash, in any process.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ListDeltaDecoder, ListDeltaEncoder, type ListDeltaSpec } from './trace-delta.ts';

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
  /** Also stream each event to this file, as a JSON line (with whole lists). */
  file?: string;
  /**
   * A list its events repeat, written (and hashed) as the change since the stream's previous
   * one (kernel/trace-delta); `events()` gives the whole lists back.
   */
  listDelta?: ListDeltaSpec;
}

/** Bound on trace events per run; a run past it is a runaway loop. */
export const TRACE_EVENTS_MAX = 5_000_000;

export class Trace {
  /**
   * Kept JSON lines, exactly as hashed (without their newlines), parsed only when someone
   * asks. Each line is hashed as it is recorded, line then newline: the same digest as the
   * whole text. Joining lines into batches to hash and keep (before) cost 5–10× more per byte
   * than this once batches reached megabytes (1,000 devices: a fresh large string for every
   * join, and another UTF-8 copy of it inside `update`; bench/README.md).
   */
  private readonly lines: string[] = [];
  private readonly parsed: TraceEvent[] = [];
  private readonly digest: Hash = createHash('sha256');
  private seqNext = 0;
  private fd: number | undefined;
  private readonly encoder: ListDeltaEncoder | undefined;
  private readonly decoder: ListDeltaDecoder | undefined;

  constructor(private readonly options: TraceOptions) {
    if (options.file !== undefined) this.fd = openSync(options.file, 'w');
    if (options.listDelta !== undefined) {
      this.encoder = new ListDeltaEncoder(options.listDelta);
      this.decoder = new ListDeltaDecoder(options.listDelta);
    }
  }

  /** Appends an event; `data` must be JSON-serialisable and built deterministically. */
  record(type: string, data: Record<string, unknown> = {}): TraceEvent {
    if (this.seqNext >= TRACE_EVENTS_MAX) throw new Error(`[syncstorm] trace exceeded ${TRACE_EVENTS_MAX} events`);
    const event: TraceEvent = { seq: this.seqNext++, t: this.options.now(), type, ...data };
    // `data` cannot overwrite the stamp (a client log event may carry its own `type`).
    event.seq = this.seqNext - 1;
    event.t = this.options.now();
    event.type = type;
    const written = this.encoder === undefined ? event : this.encoder.encode(event);
    const line = JSON.stringify(written);
    if (this.fd !== undefined) writeSync(this.fd, `${written === event ? line : JSON.stringify(event)}\n`);
    this.digest.update(line);
    this.digest.update('\n');
    if (this.options.keep !== false) this.lines.push(line);
    return event;
  }

  get length(): number {
    return this.seqNext;
  }

  /** Every kept event, parsed from its line (so it holds exactly what was hashed). */
  events(): readonly TraceEvent[] {
    const { lines, parsed, decoder } = this;
    for (let index = parsed.length; index < lines.length; index++) {
      const event = JSON.parse(lines[index] as string) as TraceEvent;
      parsed.push(decoder === undefined ? event : (decoder.decode(event) as TraceEvent));
    }
    return parsed;
  }

  /** sha256 (hex) of every line so far, each followed by a newline. */
  hash(): string {
    return this.digest.copy().digest('hex');
  }

  /** The trace as JSON lines, as hashed (lists diffed when `listDelta` says so). */
  toJsonLines(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
