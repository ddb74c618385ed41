/**
 * @module realnet/conform/faulty-fetch
 * Faults injected on the client side, for servers conform cannot put behind a proxy: a
 * request sent twice in a row, sent twice at once, or answered and then dropped (the client
 * sees a reset after the server did the work). Drawn per request from a seeded stream;
 * `enabled = false` turns them off (the heal phase).
 */
import type { Rng } from '../../kernel/rng.ts';

export interface ClientFaults {
  /** Chance a request is sent twice, one after the other (the client sees the second answer). */
  duplicate: number;
  /** Chance a request is sent twice at the same time. */
  concurrent: number;
  /** Chance the answer is dropped after the server answered. */
  drop: number;
  enabled: boolean;
}

function dropped(): TypeError {
  return new TypeError('fetch failed', { cause: { code: 'ECONNRESET', message: 'answer dropped by conform' } });
}

export function faultyFetch(rng: Rng, faults: ClientFaults, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    if (!faults.enabled) return inner(input, init);
    const request = new Request(input, init);
    const draw = rng.next();
    if (draw < faults.duplicate) {
      await inner(request.clone())
        .then((response) => response.arrayBuffer())
        .catch(() => {});
      return inner(request);
    }
    if (draw < faults.duplicate + faults.concurrent) {
      const [, second] = await Promise.allSettled([inner(request.clone()), inner(request)]);
      if (second.status === 'rejected') throw second.reason;
      return second.value;
    }
    if (draw < faults.duplicate + faults.concurrent + faults.drop) {
      await (await inner(request)).arrayBuffer();
      throw dropped();
    }
    return inner(request);
  };
}
