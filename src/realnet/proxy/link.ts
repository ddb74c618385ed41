/**
 * @module realnet/proxy/link
 * One proxied connection: the client's socket, a socket to the upstream, and a pipe each
 * way through the proxy's toxics. Each toxic applies to a link with its toxicity, drawn once
 * per link from the proxy's seeded stream. A `timeout` toxic with a timeout closes the link
 * that long after it started acting on it (added, or the link opened). Closing ends both
 * sockets (FIN); a reset destroys them with RST, as Toxiproxy's reset_peer does.
 */
import { connect, type Socket } from 'node:net';
import type { Rng } from '../../kernel/rng.ts';
import { Pipe, type PipeLink } from './pipe.ts';
import type { Stream } from './toxic-spec.ts';
import type { ActiveToxic, ToxicChain } from './toxics.ts';

/** After a close, sockets still open this long are destroyed. */
const CLOSE_GRACE_MS = 2_000;

export interface Upstream {
  host: string;
  port: number;
}

export class Link implements PipeLink {
  private closedFlag = false;
  private readonly closeListeners = new Set<() => void>();
  private readonly draws = new Map<string, boolean>();
  private readonly timeoutTimers = new Map<number, NodeJS.Timeout>();
  private readonly upstream: Socket;
  private readonly openedMs = performance.now();
  private readonly offChain: () => void;

  constructor(
    private readonly client: Socket,
    target: Upstream,
    private readonly chain: ToxicChain,
    private readonly rng: Rng,
    private readonly onDone: (link: Link) => void,
  ) {
    this.upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    for (const socket of [client, this.upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError: boolean) => (hadError ? this.destroy() : this.afterCleanClose()));
    }
    new Pipe(this, client, this.upstream, 'upstream');
    new Pipe(this, this.upstream, client, 'downstream');
    this.offChain = chain.onChange(() => this.armTimeouts());
    this.armTimeouts();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onClose(listener: () => void): () => void {
    if (this.closedFlag) {
      listener();
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private applies(toxic: ActiveToxic): boolean {
    const key = `${toxic.id}:${toxic.json.toxicity}`;
    let draw = this.draws.get(key);
    if (draw === undefined) {
      draw = toxic.json.toxicity >= 1 || this.rng.next() < toxic.json.toxicity;
      this.draws.set(key, draw);
    }
    return draw;
  }

  active(stream: Stream): readonly ActiveToxic[] {
    return this.chain.ofStream(stream).filter((toxic) => this.applies(toxic));
  }

  random(): number {
    return this.rng.next();
  }

  private armTimeouts(): void {
    const wanted = new Set<number>();
    for (const toxic of this.chain.all()) {
      const timeoutMs = toxic.json.attributes.timeout ?? 0;
      if (toxic.json.type !== 'timeout' || timeoutMs <= 0 || !this.applies(toxic)) continue;
      wanted.add(toxic.id);
      if (this.timeoutTimers.has(toxic.id)) continue;
      const dueMs = Math.max(toxic.addedMs, this.openedMs) + timeoutMs;
      this.timeoutTimers.set(
        toxic.id,
        setTimeout(() => this.close(), Math.max(0, dueMs - performance.now())),
      );
    }
    for (const [id, timer] of this.timeoutTimers) {
      if (wanted.has(id)) continue;
      clearTimeout(timer);
      this.timeoutTimers.delete(id);
    }
  }

  private markClosed(): boolean {
    if (this.closedFlag) return false;
    this.closedFlag = true;
    this.offChain();
    for (const timer of this.timeoutTimers.values()) clearTimeout(timer);
    this.timeoutTimers.clear();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
    this.onDone(this);
    return true;
  }

  /** Ends both sockets (what they were sent still arrives), then destroys what lingers. */
  close(): void {
    if (!this.markClosed()) return;
    for (const socket of [this.client, this.upstream]) socket.end();
    setTimeout(() => this.destroySockets(), CLOSE_GRACE_MS).unref();
  }

  /** Connection reset by peer: RST to the client, the upstream dropped. */
  reset(): void {
    this.markClosed();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    this.upstream.destroy();
  }

  destroy(): void {
    this.markClosed();
    this.destroySockets();
  }

  private destroySockets(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /** A side closed cleanly: its end was passed on by its pipe; the link is over once both are. */
  private afterCleanClose(): void {
    if (this.client.destroyed && this.upstream.destroyed) this.markClosed();
  }
}
