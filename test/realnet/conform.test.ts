/**
 * Goal: `conform` tells a server that keeps the reference protocol's promises from one that
 * does not: every promise holds against `serve` (reference clients under client-side faults
 * included), and each server mutant fails exactly the protocol promise it breaks, by name;
 * the clients' run catches a server that hides deletes. A bad URL or a server that is not
 * there is bad input.
 * Method: startServe (reference and each mutant) on loopback; runConform over real HTTP
 * (the mutants against the five protocol promises, which take well under a second).
 */
import { afterEach, expect, test } from 'vitest';
import { isUsageError } from '../../src/kernel/errors.ts';
import { CONFORM_PROMISES, runConform } from '../../src/realnet/conform/run-conform.ts';
import { type Serving, startServe } from '../../src/realnet/serve.ts';
import { SERVER_MUTANTS } from '../../src/realnet/server-mutants/index.ts';

let serving: Serving | undefined;

afterEach(async () => {
  await serving?.close();
  serving = undefined;
});

const PROTOCOL_PROMISES = CONFORM_PROMISES.map((promise) => promise.name).filter((name) => name !== 'clients-converge');

test('every promise holds against the reference server', async () => {
  serving = await startServe();
  const report = await runConform(serving.url);
  expect(report.results.map((result) => [result.promise, result.passed])).toEqual(
    CONFORM_PROMISES.map((promise) => [promise.name, true]),
  );
  expect(report.passed).toBe(true);
});

// A mutant that breaks no HTTP promise (stale-cache-reload needs a delete inside a reload window) is the simulator's to catch.
const CONFORM_MUTANTS = SERVER_MUTANTS.filter((mutant) => mutant.breaks !== undefined);

test.each(CONFORM_MUTANTS.map((mutant) => [mutant.name, mutant.breaks]))(
  'server mutant %s fails exactly %s',
  async (name, breaks) => {
    serving = await startServe({ mutant: name });
    const report = await runConform(serving.url, { only: PROTOCOL_PROMISES });
    expect(report.passed).toBe(false);
    const failed = report.results.filter((result) => !result.passed).map((result) => result.promise);
    expect(failed).toEqual([breaks]);
    const detail = report.results.find((result) => result.promise === breaks)?.detail ?? '';
    expect(detail).not.toMatch(/could not be checked/);
  },
);

test('reference clients under client-side faults do not converge on a server that hides deletes', async () => {
  serving = await startServe({ mutant: 'no-tombstones' });
  const report = await runConform(serving.url, { only: ['clients-converge'] });
  expect(report.results[0]).toMatchObject({ promise: 'clients-converge', passed: false });
  expect(report.results[0]?.detail).toMatch(/still shows|not in GET \/changes/);
});

test('a bad URL and an unreachable server are bad input with a clear message', async () => {
  await expect(runConform('not a url')).rejects.toSatisfy(
    (error) => isUsageError(error) && /is not a URL/.test(String(error)),
  );
  await expect(runConform('ftp://127.0.0.1/')).rejects.toSatisfy(
    (error) => isUsageError(error) && /http\(s\)/.test(String(error)),
  );
  const closed = await startServe();
  const url = closed.url;
  await closed.close();
  await expect(runConform(url)).rejects.toSatisfy((error) => isUsageError(error) && /Cannot reach/.test(String(error)));
});

test('a server that answers but does not speak the protocol is bad input', async () => {
  const { createServer } = await import('node:http');
  const http = createServer((_req, res) => res.writeHead(404).end('nope'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  try {
    await expect(runConform(`http://127.0.0.1:${port}`)).rejects.toSatisfy(
      (error) => isUsageError(error) && /does not speak the reference protocol/.test(String(error)),
    );
  } finally {
    http.close();
  }
});
