/**
 * @module realnet/proxy/timing
 * Real-time waits for the proxy's toxics: a sleep that a closing link cuts short, and a write
 * that waits for the socket to drain (or to close).
 */
import type { Socket } from 'node:net';

export interface Closable {
  readonly closed: boolean;
  onClose(listener: () => void): () => void;
}

/** Resolves after `ms` real milliseconds, or as soon as `link` closes. */
export function sleep(link: Closable, ms: number): Promise<void> {
  if (ms <= 0 || link.closed) return Promise.resolve();
  return new Promise((resolve) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      resolve();
    }, ms);
    off = link.onClose(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Writes `data`; resolves when the socket can take more (or is gone). */
export function write(socket: Socket, data: Uint8Array): Promise<void> {
  if (socket.destroyed || !socket.writable) return Promise.resolve();
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
