/**
 * @module realnet/proxy/pipe
 * One direction of a proxied connection (upstream: client → server; downstream: server →
 * client). Chunks are taken in order and passed through the toxics active on the link for
 * this stream, in the order they were added, as Toxiproxy chains them:
 * - latency: each chunk leaves `latency ± jitter` ms after it arrived (never before an
 *   earlier chunk);
 * - bandwidth: `rate` KB/s; slicer: cut into `average_size ± size_variation` byte pieces,
 *   `delay` µs apart;
 * - timeout: data is dropped (the link closes after `timeout` ms if > 0, see link.ts);
 * - reset_peer: at the first chunk, wait `timeout` ms, then reset the connection (TCP RST);
 * - limit_data: after `bytes` bytes in this direction the connection is closed;
 * - slow_close: the end of the stream is passed on `delay` ms late.
 */
import type { Socket } from 'node:net';
import { sleep, write } from './timing.ts';
import type { Stream } from './toxic-spec.ts';
import type { ActiveToxic } from './toxics.ts';

/** Bytes queued before the source is paused. */
const QUEUE_BYTES_MAX = 1 << 20;

type Item = { data: Buffer; arrivedMs: number } | 'end';

export interface PipeLink {
  readonly closed: boolean;
  onClose(listener: () => void): () => void;
  /** Toxics of `stream` that apply to this link (toxicity drawn once per link). */
  active(stream: Stream): readonly ActiveToxic[];
  random(): number;
  reset(): void;
  close(): void;
}

export class Pipe {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  private lastDueMs = 0;
  private readonly limitSent = new Map<number, number>();

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
    if (!this.target.destroyed) this.target.end();
  }

  private async process(input: Buffer, arrivedMs: number): Promise<void> {
    let data = input;
    let slicer: Record<string, number> | undefined;
    for (const toxic of this.link.active(this.stream)) {
      const attributes = toxic.json.attributes;
      switch (toxic.json.type) {
        case 'latency': {
          const jitter = attributes.jitter ?? 0;
          const delay = (attributes.latency ?? 0) + (jitter > 0 ? (this.link.random() * 2 - 1) * jitter : 0);
          this.lastDueMs = Math.max(this.lastDueMs, arrivedMs + delay);
          await sleep(this.link, this.lastDueMs - performance.now());
          break;
        }
        case 'bandwidth':
          if ((attributes.rate ?? 0) > 0)
            await sleep(this.link, (data.length / ((attributes.rate ?? 1) * 1024)) * 1000);
          break;
        case 'timeout':
          return;
        case 'reset_peer':
          await sleep(this.link, attributes.timeout ?? 0);
          this.link.reset();
          return;
        case 'limit_data': {
          const sent = this.limitSent.get(toxic.id) ?? 0;
          const remaining = Math.max(0, (attributes.bytes ?? 0) - sent);
          if (remaining < data.length) data = data.subarray(0, remaining);
          this.limitSent.set(toxic.id, sent + data.length);
          if (sent + data.length >= (attributes.bytes ?? 0)) {
            await this.send(data, slicer);
            this.link.close();
            return;
          }
          break;
        }
        case 'slicer':
          slicer = attributes;
          break;
        default:
          break;
      }
      if (this.link.closed) return;
    }
    await this.send(data, slicer);
  }

  private async send(data: Buffer, slicer: Record<string, number> | undefined): Promise<void> {
    const average = slicer?.average_size ?? 0;
    if (slicer === undefined || average <= 0) return write(this.target, data);
    const variation = Math.min(slicer.size_variation ?? 0, average - 1);
    for (let offset = 0; offset < data.length && !this.link.closed; ) {
      const size = Math.max(1, Math.round(average + (this.link.random() * 2 - 1) * variation));
      await write(this.target, data.subarray(offset, offset + size));
      offset += size;
      await sleep(this.link, (slicer.delay ?? 0) / 1000);
    }
  }
}
