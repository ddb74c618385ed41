/**
 * @module realnet/stop-signal
 * How a long-running real-network command (serve, proxy) ends: on SIGINT (Ctrl-C) or
 * SIGTERM, or when the caller's own signal fires (tests). The listeners are removed once it
 * resolved, so a second Ctrl-C during shutdown falls back to Node's default (exit at once).
 */

export function untilStopped(extra?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const done = (reason: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      extra?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    const onAbort = () => done('aborted');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (extra?.aborted) return done('aborted');
    extra?.addEventListener('abort', onAbort, { once: true });
  });
}
