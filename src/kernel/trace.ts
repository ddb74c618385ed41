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

const HASH_BATCH_LINES = 1_024;

/** Bound on trace events per run; a run past it is a runaway loop. */
export const TRACE_EVENTS_MAX = 5_000_000;

export class Trace {
  /** Lines recorded since the last flush. */
  private pending: string[] = [];
  /**
   * Kept JSON lines, exactly as hashed, in flushed batches of up to HASH_BATCH_LINES (one
   * string each, every line ending in a newline): a few large strings cost the garbage
   * collector far less than millions of small ones. Parsed only when someone asks.
   */
  private readonly chunks: string[] = [];
  private chunksParsed = 0;
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
    this.pending.push(line);
    if (this.pending.length >= HASH_BATCH_LINES) this.flush();
    return event;
  }

  get length(): number {
    return this.seqNext;
  }

  /** Every kept event, parsed from its line (so it holds exactly what was hashed). */
  events(): readonly TraceEvent[] {
    this.flush();
    for (; this.chunksParsed < this.chunks.length; this.chunksParsed++) {
      const lines = (this.chunks[this.chunksParsed] as string).split('\n');
      lines.pop(); // the chunk ends with a newline
      const decoder = this.decoder;
      for (const line of lines) {
        const event = JSON.parse(line) as TraceEvent;
        this.parsed.push(decoder === undefined ? event : (decoder.decode(event) as TraceEvent));
      }
    }
    return this.parsed;
  }

  /** sha256 (hex) of every line so far, each followed by a newline. */
  hash(): string {
    this.flush();
    return this.digest.copy().digest('hex');
  }

  /** The trace as JSON lines, as hashed (lists diffed when `listDelta` says so). */
  toJsonLines(): string {
    this.flush();
    return this.chunks.join('');
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Hashes (and keeps) the pending lines as one string: the same digest as line by line. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.digest.update(chunk);
    if (this.options.keep !== false) this.chunks.push(chunk);
  }
}
