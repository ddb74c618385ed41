/**
 * @module kernel/trace
 * The recorded history of a run: one JSON object per line, in the order things happened,
 * each stamped with a sequence number and the virtual time. Its sha256 (over the exact
 * lines) is the run's fingerprint: same seed, same hash, in any process.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { eventLine } from './delta-line.ts';
import { jsonValue } from './json-value.ts';
import { ListDeltaEncoder, type ListDeltaSpec } from './trace-delta.ts';

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
   * The kept events: each the JSON value of what was recorded (kernel/json-value), made as
   * it is recorded, so it holds exactly what its hashed line holds. Until session 9 the
   * hashed lines were kept and parsed back when asked; at 1,000 devices that parse, and
   * collecting what it made, was ≈ a seventh of a run (bench/README.md).
   */
  private readonly kept: TraceEvent[] = [];
  private readonly digest: Hash = createHash('sha256');
  private seqNext = 0;
  private fd: number | undefined;
  private readonly encoder: ListDeltaEncoder | undefined;

  constructor(private readonly options: TraceOptions) {
    if (options.file !== undefined) this.fd = openSync(options.file, 'w');
    if (options.listDelta !== undefined) this.encoder = new ListDeltaEncoder(options.listDelta, options.keep !== false);
  }

  /** Appends an event; `data` must be JSON-serialisable and built deterministically. */
  record(type: string, data: Record<string, unknown> = {}): TraceEvent {
    if (this.seqNext >= TRACE_EVENTS_MAX) throw new Error(`[syncstorm] trace exceeded ${TRACE_EVENTS_MAX} events`);
    const event: TraceEvent = { seq: this.seqNext++, t: this.options.now(), type, ...data };
    // `data` cannot overwrite the stamp (a client log event may carry its own `type`).
    event.seq = this.seqNext - 1;
    event.t = this.options.now();
    event.type = type;
    const encoded = this.encoder?.encode(event);
    const written = encoded === undefined ? event : encoded.written;
    // Each line is hashed as it is recorded, line then newline: the same digest as the whole text.
    const line = encoded?.line ?? eventLine(written);
    if (this.fd !== undefined) writeSync(this.fd, `${written === event ? line : JSON.stringify(event)}\n`);
    this.digest.update(line);
    this.digest.update('\n');
    if (this.options.keep !== false)
      this.kept.push((encoded === undefined ? jsonValue(event) : encoded.kept) as TraceEvent);
    return event;
  }

  get length(): number {
    return this.seqNext;
  }

  /** The events kept so far (a list of its own): what their hashed lines hold, diffed lists whole. */
  events(): readonly TraceEvent[] {
    return this.kept.slice();
  }

  /** sha256 (hex) of every line so far, each followed by a newline. */
  hash(): string {
    return this.digest.copy().digest('hex');
  }

  /**
   * The trace as JSON lines, as hashed (lists diffed when `listDelta` says so): the kept
   * events written again, which gives the very lines recorded (tests compare their sha256
   * with `hash()`).
   */
  toJsonLines(): string {
    const listDelta = this.options.listDelta;
    const encoder = listDelta === undefined ? undefined : new ListDeltaEncoder(listDelta);
    return this.kept
      .map((event) => `${JSON.stringify(encoder === undefined ? event : encoder.encode(event).written)}\n`)
      .join('');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
