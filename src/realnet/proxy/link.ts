/**
 * @module realnet/proxy/link
 * One proxied connection: the client's socket, a socket to the upstream, and a pipe each
 * way through the proxy's toxics. Each toxic applies to a link with its toxicity, drawn once
 * per link from the proxy's seeded stream. As in Toxiproxy 2.12: a `timeout` toxic with a
 * timeout closes the link that long after it last started acting (added, updated, the link
 * opened) or last swallowed a chunk; removing a `timeout` toxic closes every link (its
 * cleanup closes the stage, whatever the toxicity drew); a link that opened while a
 * `reset_peer` toxic was in the chain has linger 0, so each of its closes is a RST, and any
 * other link ends with FIN (also when a reset_peer added later cuts it).
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
  private readonly timeoutTimers = new Map<number, { timer: NodeJS.Timeout; json: ActiveToxic['json'] }>();
  private readonly upstream: Socket;
  private readonly offChain: () => void;
  readonly lingerZero: boolean;

  constructor(
    private readonly client: Socket,
    target: Upstream,
    private readonly chain: ToxicChain,
    private readonly rng: Rng,
    private readonly onDone: (link: Link) => void,
  ) {
    this.lingerZero = chain.all().some((toxic) => toxic.json.type === 'reset_peer');
    this.upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    for (const socket of [client, this.upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError: boolean) => (hadError ? this.destroy() : this.afterCleanClose()));
    }
    new Pipe(this, client, this.upstream, 'upstream');
    new Pipe(this, this.upstream, client, 'downstream');
    this.offChain = chain.onChange((removed) => {
      if (removed?.json.type === 'timeout') this.close();
      else this.armTimeouts();
    });
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

  /** Starts (or starts over) the timer of a timeout toxic with a timeout: the link closes when it fires. */
  private startTimeout(toxic: ActiveToxic): void {
    const timeoutMs = toxic.json.attributes.timeout ?? 0;
    const current = this.timeoutTimers.get(toxic.id);
    if (current !== undefined) clearTimeout(current.timer);
    if (timeoutMs <= 0 || this.closedFlag) return void this.timeoutTimers.delete(toxic.id);
    this.timeoutTimers.set(toxic.id, { timer: setTimeout(() => this.close(), timeoutMs), json: toxic.json });
  }

  touchTimeout(toxic: ActiveToxic): void {
    this.startTimeout(toxic);
  }

  /** Timers for the timeout toxics that act on this link: new or changed ones start now, others stop. */
  private armTimeouts(): void {
    const wanted = new Set<number>();
    for (const toxic of this.chain.all()) {
      if (toxic.json.type !== 'timeout' || !this.applies(toxic)) continue;
      wanted.add(toxic.id);
      if (this.timeoutTimers.get(toxic.id)?.json !== toxic.json) this.startTimeout(toxic);
    }
    for (const [id, current] of this.timeoutTimers) {
      if (wanted.has(id)) continue;
      clearTimeout(current.timer);
      this.timeoutTimers.delete(id);
    }
  }

  private markClosed(): boolean {
    if (this.closedFlag) return false;
    this.closedFlag = true;
    this.offChain();
    for (const current of this.timeoutTimers.values()) clearTimeout(current.timer);
    this.timeoutTimers.clear();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
    this.onDone(this);
    return true;
  }

  /** Ends both sockets (what they were sent still arrives), then destroys what lingers; a RST with linger 0. */
  close(): void {
    if (this.lingerZero) {
      this.reset();
      return;
    }
    if (!this.markClosed()) return;
    for (const socket of [this.client, this.upstream]) socket.end();
    setTimeout(() => this.destroySockets(), CLOSE_GRACE_MS).unref();
  }

  /** reset_peer's end of the connection: a RST with linger 0, else a clean close (FIN). */
  cut(): void {
    this.close();
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
