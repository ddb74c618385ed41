/**
 * @module realnet/proxy/pipe
 * One direction of a proxied connection (upstream: client → server; downstream: server →
 * client). Chunks are taken in order and passed through the toxics active on the link for
 * this stream, in the order they were added, as Toxiproxy chains them:
 * - latency: each chunk leaves `latency ± jitter` ms after it arrived (never before an
 *   earlier chunk);
 * - bandwidth: `rate` KB/s (1000 bytes), streamed in slices of 100 ms worth;
 * - slicer: cut by Toxiproxy's halving into pieces of about `average_size`, `delay` µs apart;
 * - timeout: data is dropped (the link closes `timeout` ms after the last chunk if > 0, see link.ts);
 * - reset_peer: at the first chunk, wait `timeout` ms, drop it and end the connection: a TCP
 *   RST when the connection began with a reset_peer in the chain (Toxiproxy sets linger 0
 *   then), else a clean FIN, as Toxiproxy does for one added to an open connection;
 * - limit_data: after `bytes` bytes in this direction the connection is closed;
 * - slow_close: the end of the stream is passed on `delay` ms late.
 */
import type { Socket } from 'node:net';
import { sleep, write } from './timing.ts';
import type { Stream } from './toxic-spec.ts';
import type { ActiveToxic } from './toxics.ts';

/** Bound on the slicer's halvings (a 2^40-byte chunk); Toxiproxy recurses without one. */
const SLICE_DEPTH_MAX = 40;
/** Bytes queued before the source is paused. */
const QUEUE_BYTES_MAX = 1 << 20;

type Item = { data: Buffer; arrivedMs: number } | 'end';

export interface PipeLink {
  readonly closed: boolean;
  onClose(listener: () => void): () => void;
  /** Toxics of `stream` that apply to this link (toxicity drawn once per link). */
  active(stream: Stream): readonly ActiveToxic[];
  random(): number;
  /** Whether the connection began with a reset_peer toxic in the chain (Toxiproxy's linger 0: every close is a RST). */
  readonly lingerZero: boolean;
  /** A chunk reached a timeout toxic: its timer starts over. */
  touchTimeout(toxic: ActiveToxic): void;
  /** reset_peer's end: RST with linger 0, else a clean close. */
  cut(): void;
  reset(): void;
  close(): void;
}

export class Pipe {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  private lastDueMs = 0;
  private readonly limitSent = new Map<number, number>();
  private readonly bandwidthDebtMs = new Map<number, number>();

  constructor(
    private readonly link: PipeLink,
    private readonly source: Socket,
    private readonly target: Socket,
    readonly stream: Stream,
  ) {
    source.on('data', (data: Buffer) => this.push({ data, arrivedMs: performance.now() }));
    source.on('end', () => this.push('end'));
    link.onClose(() => this.wake?.());
    void this.run();
  }

  private push(item: Item): void {
    this.queue.push(item);
    if (item !== 'end') {
      this.queuedBytes += item.data.length;
      if (this.queuedBytes > QUEUE_BYTES_MAX) this.source.pause();
    }
    this.wake?.();
  }

  private async take(): Promise<Item | undefined> {
    while (this.queue.length === 0 && !this.link.closed) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    const item = this.queue.shift();
    if (item !== undefined && item !== 'end') {
      this.queuedBytes -= item.data.length;
      if (this.source.isPaused() && this.queuedBytes <= QUEUE_BYTES_MAX / 2) this.source.resume();
    }
    return item;
  }

  private async run(): Promise<void> {
    for (;;) {
      const item = await this.take();
      if (item === undefined || this.link.closed) return;
      if (item === 'end') return this.finish();
      await this.process(item.data, item.arrivedMs);
    }
  }

  private async finish(): Promise<void> {
    const delays = this.link.active(this.stream).filter((toxic) => toxic.json.type === 'slow_close');
    await sleep(this.link, Math.max(0, ...delays.map((toxic) => toxic.json.attributes.delay ?? 0)));
    if (this.link.lingerZero) return this.link.reset();
    if (!this.target.destroyed) this.target.end();
  }

  private async process(input: Buffer, arrivedMs: number): Promise<void> {
    await this.through(this.link.active(this.stream), 0, input, arrivedMs);
  }

  /**
   * `data` through `toxics` from `index` on, then written. Like Toxiproxy's stages, a toxic
   * that cuts data into pieces (bandwidth, slicer) hands each piece on as soon as it is due.
   */
  private async through(
    toxics: readonly ActiveToxic[],
    index: number,
    input: Buffer,
    arrivedMs: number,
  ): Promise<void> {
    let data = input;
    for (let at = index; at < toxics.length; at++) {
      if (this.link.closed) return;
      const toxic = toxics[at] as ActiveToxic;
      const attributes = toxic.json.attributes;
      const next = (piece: Buffer) => this.through(toxics, at + 1, piece, arrivedMs);
      switch (toxic.json.type) {
        case 'latency': {
          const jitter = attributes.jitter ?? 0;
          const delay = (attributes.latency ?? 0) + (jitter > 0 ? (this.link.random() * 2 - 1) * jitter : 0);
          this.lastDueMs = Math.max(this.lastDueMs, arrivedMs + delay);
          await sleep(this.link, this.lastDueMs - performance.now());
          break;
        }
        case 'bandwidth': {
          const rest = await this.throttle(toxic, data, next);
          if (rest === undefined) return;
          data = rest;
          break;
        }
        case 'timeout':
          // Swallowed; each chunk restarts the toxic's timer (link.ts).
          this.link.touchTimeout(toxic);
          return;
        case 'reset_peer':
          // The chunk that met it is dropped; the connection ends (RST only with linger 0, see link.ts).
          await sleep(this.link, attributes.timeout ?? 0);
          this.link.cut();
          return;
        case 'limit_data': {
          const sent = this.limitSent.get(toxic.id) ?? 0;
          const remaining = Math.max(0, (attributes.bytes ?? 0) - sent);
          if (remaining < data.length) data = data.subarray(0, remaining);
          this.limitSent.set(toxic.id, sent + data.length);
          if (sent + data.length >= (attributes.bytes ?? 0)) {
            if (data.length > 0) await next(data);
            this.link.close();
            return;
          }
          break;
        }
        case 'slicer':
          return this.slice(attributes, data, next);
        default:
          break;
      }
    }
    if (!this.link.closed) await write(this.target, data);
  }

  /**
   * Toxiproxy's bandwidth: `rate` bytes per ms (KB/s of 1000 bytes); a chunk larger than
   * 100 ms worth leaves in slices of `rate * 100` bytes, one every 100 ms, and the rest
   * when its time is paid; time over- or under-slept carries to the next chunk. Returns
   * what is left to hand on, or undefined when the link closed.
   */
  private async throttle(
    toxic: ActiveToxic,
    input: Buffer,
    next: (piece: Buffer) => Promise<void>,
  ): Promise<Buffer | undefined> {
    const rate = toxic.json.attributes.rate ?? 0;
    if (rate <= 0) return input;
    let debtMs = (this.bandwidthDebtMs.get(toxic.id) ?? 0) + input.length / rate;
    let data = input;
    const sliceBytes = rate * 100;
    while (data.length > sliceBytes) {
      await sleep(this.link, 100);
      if (this.link.closed) return undefined;
      await next(data.subarray(0, sliceBytes));
      data = data.subarray(sliceBytes);
      debtMs -= 100;
    }
    const started = performance.now();
    await sleep(this.link, debtMs);
    this.bandwidthDebtMs.set(toxic.id, debtMs - (performance.now() - started));
    return this.link.closed ? undefined : data;
  }

  /** Toxiproxy's slicer: pieces from slicePoints, each followed by `delay` µs (kept on schedule, not drifting). */
  private async slice(attributes: Record<string, number>, data: Buffer, next: (piece: Buffer) => Promise<void>) {
    const points = slicePoints(0, data.length, attributes.average_size ?? 0, attributes.size_variation ?? 0, () =>
      this.link.random(),
    );
    let dueMs = performance.now();
    for (let index = 1; index < points.length && !this.link.closed; index += 2) {
      await next(data.subarray(points[index - 1], points[index]));
      dueMs += (attributes.delay ?? 0) / 1000;
      await sleep(this.link, dueMs - performance.now());
    }
  }
}

/**
 * Toxiproxy's slicer cuts (toxics/slicer.go): a range longer than `average + variation`
 * is halved at its middle moved by up to ±variation, recursively; returns [start, end]
 * pairs flattened, in order.
 */
export function slicePoints(
  start: number,
  end: number,
  average: number,
  variation: number,
  random: () => number,
  depth = 0,
): number[] {
  if (end - start - average <= variation || end - start <= 1 || depth > SLICE_DEPTH_MAX) return [start, end];
  let middle = start + Math.floor((end - start) / 2);
  if (variation > 0) middle += Math.floor(random() * variation * 2) - variation;
  middle = Math.min(end, Math.max(start, middle));
  return [
    ...slicePoints(start, middle, average, variation, random, depth + 1),
    ...slicePoints(middle, end, average, variation, random, depth + 1),
  ];
}
