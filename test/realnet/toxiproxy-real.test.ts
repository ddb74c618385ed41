/**
 * Goal: against the real Toxiproxy 2.12, the toxic changes syncstorm makes do not crash it,
 * while the delete-then-add sequence of issue 17 does; serve's cycle player puts back a
 * proxy that a restarted Toxiproxy lost, and leaves other people's toxics alone.
 * Method: opt-in, skipped unless TOXIPROXY_BIN (a toxiproxy-server binary this test starts
 * and restarts on a free port) or TOXIPROXY_URL (a running one; the crash reproduction and
 * the restart need the binary, so they run only with TOXIPROXY_BIN). An HTTP upstream that
 * answers `Connection: close`; requests through the proxy; bounds by counts and generous
 * waits, never by milliseconds of precision.
 *   TOXIPROXY_BIN=/path/to/toxiproxy-server npx vitest run test/realnet/toxiproxy-real.test.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Trace } from '../../src/kernel/trace.ts';
import { CyclePlayer } from '../../src/realnet/chaos/cycle-player.ts';
import { findSchedule, type ToxicSpec } from '../../src/realnet/chaos/schedules.ts';
import { ProxyLink } from '../../src/realnet/chaos/toxiproxy-link.ts';

const BIN = process.env.TOXIPROXY_BIN;
const GIVEN_URL = process.env.TOXIPROXY_URL;
const enabled = BIN !== undefined || GIVEN_URL !== undefined;

let upstream: Server;
let upstreamAddress: string;
let toxiproxy: ChildProcess | undefined;
let adminUrl: string;
let adminPort = 0;

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function alive(): Promise<boolean> {
  try {
    return (await fetch(`${adminUrl}/version`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts the binary on `adminPort` and waits (up to 10 s) for its API. */
async function startToxiproxy(): Promise<void> {
  toxiproxy = spawn(BIN as string, ['-host', '127.0.0.1', '-port', String(adminPort)], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100 && !(await alive()); attempt++) await new Promise((r) => setTimeout(r, 100));
  expect(await alive()).toBe(true);
}

async function stopToxiproxy(): Promise<void> {
  const child = toxiproxy;
  toxiproxy = undefined;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** One `Connection: close` request through the proxy: its status, or the error's code. */
function get(listen: string): Promise<number | string> {
  const [host, port] = listen.split(':');
  return new Promise((resolve) => {
    const req = request({ host, port: Number(port), path: '/', headers: { connection: 'close' }, timeout: 10_000 });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const latency0: ToxicSpec = {
  name: 'lat',
  type: 'latency',
  stream: 'downstream',
  toxicity: 1,
  attributes: { latency: 0 },
};
const slowClose: ToxicSpec = {
  name: 'sc',
  type: 'slow_close',
  stream: 'downstream',
  toxicity: 1,
  attributes: { delay: 3_000 },
};
const another: ToxicSpec = {
  name: 'next',
  type: 'latency',
  stream: 'downstream',
  toxicity: 1,
  attributes: { latency: 10 },
};

beforeAll(async () => {
  if (!enabled) return;
  upstream = createHttpServer((_req, res) => {
    res.setHeader('connection', 'close');
    res.end('x'.repeat(2_000));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamAddress = `127.0.0.1:${(upstream.address() as { port: number }).port}`;
  adminPort = await freePort();
  adminUrl = GIVEN_URL ?? `http://127.0.0.1:${adminPort}`;
});

afterEach(async () => {
  if (BIN !== undefined) await stopToxiproxy();
});

afterAll(async () => {
  if (!enabled) return;
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

describe.skipIf(!enabled)('real Toxiproxy', () => {
  test.skipIf(BIN === undefined)('the raw delete-then-add sequence of issue 17 kills Toxiproxy 2.12', async () => {
    await startToxiproxy();
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${adminUrl}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const listen = `127.0.0.1:${await freePort()}`;
    await api('POST', '/proxies', { name: 'raw', listen, upstream: upstreamAddress });
    await api('POST', '/proxies/raw/toxics', latency0);
    await api('POST', '/proxies/raw/toxics', slowClose);
    expect(await get(listen)).toBe(200);
    await api('DELETE', '/proxies/raw/toxics/lat');
    await api('DELETE', '/proxies/raw/toxics/sc');
    await api('POST', '/proxies/raw/toxics', another).catch(() => undefined);
    const exited = await new Promise((resolve) => {
      if (toxiproxy?.exitCode !== null) resolve(true);
      toxiproxy?.once('exit', () => resolve(true));
      setTimeout(() => resolve(false), 5_000);
    });
    expect(exited).toBe(true);
  });

  test("the same schedule steps through ProxyLink's slots leave Toxiproxy running", async () => {
    if (BIN !== undefined) await startToxiproxy();
    const calls: string[] = [];
    const link = await ProxyLink.open({
      adminUrl,
      name: 'slots',
      listen: `127.0.0.1:${await freePort()}`,
      upstream: upstreamAddress,
      onCall: (call) => calls.push(`${call.method} ${call.path}`),
    });
    await link.apply({ atMs: 0, do: 'add', toxic: latency0 });
    await link.apply({ atMs: 0, do: 'add', toxic: slowClose });
    expect(await get(link.listen)).toBe(200);
    await link.apply({ atMs: 0, do: 'remove', name: 'lat' });
    await link.apply({ atMs: 0, do: 'remove', name: 'sc' });
    await link.apply({ atMs: 0, do: 'add', toxic: another });
    await link.heal();
    expect(await alive()).toBe(true);
    expect(await get(link.listen)).toBe(200);
    // Nothing here is a reset_peer or timeout: the slots were turned off, not deleted.
    expect(calls.filter((call) => call.startsWith('DELETE'))).toEqual([]);
    // The end of a chaos run deletes syncstorm's toxics, with a connection closing through them: no add follows.
    await link.apply({ atMs: 0, do: 'add', toxic: slowClose });
    expect(await get(link.listen)).toBe(200);
    await link.healForGood();
    expect(await alive()).toBe(true);
    await link.remove();
  });

  test('serve cycles of congested-wifi (slow_close, bandwidth) under connection-per-request traffic keep Toxiproxy up', async () => {
    if (BIN !== undefined) await startToxiproxy();
    const link = await ProxyLink.open({
      adminUrl,
      name: 'cycles',
      listen: `127.0.0.1:${await freePort()}`,
      upstream: upstreamAddress,
    });
    const lines: string[] = [];
    const player = new CyclePlayer({
      link,
      schedule: findSchedule('congested-wifi'),
      seed: 'real',
      cycleMs: 1_500,
      trace: new Trace({ now: () => 0 }),
      log: (line) => lines.push(line),
    });
    player.start();
    const statuses: (number | string)[] = [];
    // Traffic through 6 cycle boundaries, a connection per request (slow_close holds each close).
    while (player.cycles < 7) statuses.push(...(await Promise.all([get(link.listen), get(link.listen)])));
    await player.stop();
    expect(await alive()).toBe(true);
    expect(lines.filter((line) => /failed/.test(line))).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(statuses.length / 2);
    await link.remove();
  });

  test.skipIf(BIN === undefined)(
    "after a Toxiproxy restart the player re-creates the proxy and its toxics; others' toxics stay",
    async () => {
      await startToxiproxy();
      const link = await ProxyLink.open({
        adminUrl,
        name: 'restart',
        listen: `127.0.0.1:${await freePort()}`,
        upstream: upstreamAddress,
      });
      const hand = { name: 'by-hand', type: 'latency', stream: 'upstream', attributes: { latency: 1 } };
      await fetch(`${adminUrl}/proxies/restart/toxics`, { method: 'POST', body: JSON.stringify(hand) });
      const lines: string[] = [];
      const player = new CyclePlayer({
        link,
        schedule: findSchedule('flaky-3g'),
        seed: 'restart',
        cycleMs: 2_000,
        trace: new Trace({ now: () => 0 }),
        log: (line) => lines.push(line),
        watchMs: 300,
      });
      player.start();
      while (player.cycles < 2) await new Promise((r) => setTimeout(r, 100));
      const names = async () =>
        ((await (await fetch(`${adminUrl}/proxies/restart/toxics`)).json()) as { name: string }[]).map((t) => t.name);
      expect(await names()).toContain('by-hand');
      await stopToxiproxy();
      await startToxiproxy();
      for (let look = 0; look < 100 && !lines.some((line) => /re-created/.test(line)); look++)
        await new Promise((r) => setTimeout(r, 100));
      expect(lines.some((line) => /re-created/.test(line))).toBe(true);
      expect((await names()).some((name) => name.startsWith('syncstorm-latency-downstream'))).toBe(true);
      expect(await get(link.listen)).toBe(200);
      await player.stop();
    },
  );
});
