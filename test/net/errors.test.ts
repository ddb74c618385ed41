// Goal: a simulated failure is indistinguishable, in shape, from Node's real fetch failure,
// so a client's error handling written against one works against the other. Method: make
// a real fetch to a closed localhost port and compare it with the simulated ECONNREFUSED;
// check the other codes' shape and the networkErrorCode helper.
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { fetchFailed, networkErrorCode } from '../../src/net/index.ts';
import { netHarness } from './harness.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

function shape(error: unknown) {
  const typeError = error as TypeError & { cause: Error & Record<string, unknown> };
  return {
    isTypeError: typeError instanceof TypeError,
    message: typeError.message,
    causeIsError: typeError.cause instanceof Error,
    causeKeys: Object.keys(typeError.cause).sort(),
    code: typeError.cause.code,
    errno: typeError.cause.errno,
    syscall: typeError.cause.syscall,
    causeMessage: String(typeError.cause.message).replace(/ \S+:\d+$/, ' <host>:<port>'),
  };
}

describe('fetch failures look like Node’s', () => {
  test('simulated ECONNREFUSED has the shape of a real refused connection', async () => {
    const port = await closedPort();
    const real = await fetch(`http://127.0.0.1:${port}/x`).catch((error: unknown) => error);
    const h = netHarness();
    h.network.setOnline('A', false);
    const outcome = h.observe(h.network.fetchFor(h.device('A'))(h.url('/x')));
    await h.run();
    expect(shape(outcome.error)).toEqual(shape(real));
    expect(shape(outcome.error)).toMatchObject({
      code: 'ECONNREFUSED',
      causeMessage: 'connect ECONNREFUSED <host>:<port>',
    });
  });

  test('ECONNRESET and ETIMEDOUT carry code, errno and syscall; networkErrorCode reads them', () => {
    const host = { hostname: 'sync.test', port: 80 };
    for (const [code, errno] of [
      ['ECONNRESET', -104],
      ['ETIMEDOUT', -110],
    ] as const) {
      const error = fetchFailed(code, host);
      expect(shape(error)).toEqual({
        isTypeError: true,
        message: 'fetch failed',
        causeIsError: true,
        causeKeys: ['code', 'errno', 'syscall'],
        code,
        errno,
        syscall: 'read',
        causeMessage: `read ${code}`,
      });
      expect(networkErrorCode(error)).toBe(code);
    }
    expect(networkErrorCode(new TypeError('x'))).toBeUndefined();
    expect(networkErrorCode(new Error('fetch failed'))).toBeUndefined();
    expect(networkErrorCode(new DOMException('aborted', 'AbortError'))).toBeUndefined();
  });

  test('an aborted fetch rejects like the real one: a DOMException named AbortError', async () => {
    const real = await fetch('http://127.0.0.1:9/x', { signal: AbortSignal.abort() }).catch((error: unknown) => error);
    const h = netHarness();
    const simulated = await h.network
      .fetchFor(h.device('A'))(h.url('/x'), { signal: AbortSignal.abort() })
      .catch((error: unknown) => error);
    for (const error of [real, simulated]) {
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('AbortError');
    }
    expect((simulated as DOMException).message).toBe((real as DOMException).message);
  });
});
