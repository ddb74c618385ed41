/**
 * Goal: the embedded proxy does what Toxiproxy 2.12 does (read in its source: link.go,
 * toxic_collection.go, toxics/*.go, api.go; checked against its binary built from v2.12.0)
 * where chaos depends on it:
 * - bandwidth streams: slices of `rate * 100` bytes, one per 100 ms, from the start;
 * - reset_peer added to an open connection ends it with a clean FIN (linger 0, hence RST,
 *   only for connections that began with a reset_peer in the chain);
 * - removing a timeout toxic closes the connections it was swallowing;
 * - the timeout timer starts over with each chunk it swallows;
 * - slicer cuts by halving (toxics/slicer.go), not in average-sized steps;
 * - the admin API's status codes a client can notice, and /version.
 * Method: a raw TCP echo upstream behind a proxy on loopback, node:net clients counting data
 * events and seeing `end` versus `error`; bounds are counts and generous waits, never
 * precise milliseconds.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { type ChaosProxy, type ChaosProxyServer, startChaosProxy } from '../../src/realnet/proxy/index.ts';
import { slicePoints } from '../../src/realnet/proxy/pipe.ts';

let admin: ChaosProxyServer;
let echo: Server;
let echoAddress: string;
let proxy: ChaosProxy;
let next = 0;

beforeAll(async () => {
  // Echoes what it gets; on "big:<n>" sends n bytes in one write.
  echo = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (data) => {
      const big = /^big:(\d+)$/.exec(data.toString());
      socket.write(big ? Buffer.alloc(Number(big[1]), 'x') : data);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;
  admin = await startChaosProxy({ seed: 'fidelity' });
});

afterEach(async () => {
  await admin.registry.closeAll();
});

afterAll(async () => {
  await admin.close();
  echo.close();
});

async function fresh(): Promise<ChaosProxy> {
  proxy = await admin.registry.create({
    name: `f${next++}`,
    listen: '127.0.0.1:0',
    upstream: echoAddress,
    enabled: true,
  });
  return proxy;
}

interface Client {
  socket: Socket;
  chunks: Buffer[];
  /** 'end' (FIN), an error code (e.g. ECONNRESET), or undefined while open. */
  ended: () => string | undefined;
  until: (done: () => boolean, looks?: number) => Promise<void>;
}

async function open(): Promise<Client> {
  const [host, port] = proxy.listen.split(':');
  const socket = connect(Number(port), host as string);
  const chunks: Buffer[] = [];
  let ended: string | undefined;
  socket.on('data', (data: Buffer) => chunks.push(data));
  socket.on('end', () => {
    ended ??= 'end';
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    ended ??= error.code ?? 'error';
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  const until = async (done: () => boolean, looks = 200) => {
    for (let look = 0; look < looks && !done(); look++) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return { socket, chunks, ended: () => ended, until };
}

const received = (client: Client) => client.chunks.reduce((total, chunk) => total + chunk.length, 0);

test('bandwidth streams slices of rate*100 bytes instead of holding the answer to the end', async () => {
  await fresh();
  proxy.toxics.add({ type: 'bandwidth', attributes: { rate: 10 } });
  const client = await open();
  client.socket.write('big:6000');
  await client.until(() => received(client) >= 6_000);
  expect(received(client)).toBe(6_000);
  // Toxiproxy: 1000-byte slices every 100 ms; a late reader may see two as one, never one chunk for all.
  expect(client.chunks.length).toBeGreaterThanOrEqual(3);
  expect((client.chunks[0] as Buffer).length % 1_000).toBe(0);
  expect((client.chunks[0] as Buffer).length).toBeLessThan(6_000);
  client.socket.destroy();
});

test('reset_peer added to an open keep-alive connection ends it with FIN; one it began with resets it', async () => {
  await fresh();
  const early = await open();
  early.socket.write('ping');
  await early.until(() => received(early) >= 4);
  proxy.toxics.add({ type: 'reset_peer', attributes: { timeout: 0 } });
  early.socket.write('again');
  await early.until(() => early.ended() !== undefined);
  expect(early.ended()).toBe('end');
  expect(received(early)).toBe(4);

  const late = await open();
  late.socket.write('ping');
  await late.until(() => late.ended() !== undefined);
  expect(late.ended()).toBe('ECONNRESET');
});

test('removing a timeout toxic closes the connections it was swallowing', async () => {
  await fresh();
  proxy.toxics.add({ name: 'hold', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
  const held = await open();
  held.socket.write('swallowed');
  await held.until(() => false, 4);
  expect(held.ended()).toBeUndefined();
  expect(received(held)).toBe(0);
  proxy.toxics.remove('hold');
  await held.until(() => held.ended() !== undefined);
  expect(held.ended()).toBe('end');
  // The proxy itself still works.
  const after = await open();
  after.socket.write('ok');
  await after.until(() => received(after) >= 2);
  expect(Buffer.concat(after.chunks).toString()).toBe('ok');
  after.socket.destroy();
});

test('the timeout timer starts over with each chunk it swallows', async () => {
  await fresh();
  proxy.toxics.add({ type: 'timeout', stream: 'upstream', attributes: { timeout: 1_000 } });
  const client = await open();
  // 25 chunks 100 ms apart: 2.5 s in all, longer than the timeout, but never 1 s apart.
  for (let chunk = 0; chunk < 25; chunk++) {
    client.socket.write('.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(client.ended()).toBeUndefined();
  await client.until(() => client.ended() !== undefined);
  expect(client.ended()).toBe('end');
});

test("slicer cuts by Toxiproxy's halving: 1000 bytes at average 100 give 16 pieces of 62-63 bytes", () => {
  const points = slicePoints(0, 1_000, 100, 0, () => 0.5);
  const sizes = points.flatMap((point, index) => (index % 2 === 1 ? [point - (points[index - 1] as number)] : []));
  expect(sizes).toHaveLength(16);
  expect(new Set(sizes)).toEqual(new Set([62, 63]));
  expect(sizes.reduce((total, size) => total + size, 0)).toBe(1_000);
  // With a variation, pieces stay within (average+variation)/2 - variation .. average+variation.
  let seed = 1;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const varied = slicePoints(0, 65_536, 64, 32, random);
  for (let index = 1; index < varied.length; index += 2) {
    const size = (varied[index] as number) - (varied[index - 1] as number);
    expect(size).toBeGreaterThanOrEqual(16);
    expect(size).toBeLessThanOrEqual(96);
  }
});

test('admin API answers as Toxiproxy 2.12 where a client can tell: 500 for listen, lenient toxics, /version', async () => {
  const post = (path: string, body: unknown) =>
    fetch(`${admin.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const taken = await fresh();
  const busy = await post('/proxies', { name: 'busy', listen: taken.listen, upstream: echoAddress });
  expect(busy.status).toBe(500);
  expect(busy.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await busy.json()).toEqual({ error: `listen tcp ${taken.listen}: bind: address already in use`, status: 500 });
  expect((await post('/proxies', { name: 'bad', listen: 'nonsense', upstream: echoAddress })).status).toBe(500);
  const path = `/proxies/${taken.name}/toxics`;
  expect((await post(path, { type: 'latency', toxicity: 2 })).status).toBe(200);
  expect((await post(path, { type: 'latency', name: 'neg', toxicity: -1 })).status).toBe(200);
  const unnamed = await post(path, { type: 'latency', name: '', stream: 'upstream' });
  expect(await unnamed.json()).toMatchObject({ name: 'latency_upstream' });
  expect((await post(path, { type: 'latency', name: 'frac', attributes: { latency: 1.5 } })).status).toBe(400);
  expect((await fetch(`${admin.url}/events`)).status).toBe(404);
  const version = (await (await fetch(`${admin.url}/version`)).json()) as Record<string, string>;
  expect(version.version).toBe('2.12.0');
  expect(version.syncstorm).toMatch(/syncstorm/);
});
