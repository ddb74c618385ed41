/**
 * Goal: each toxic of the embedded proxy does to real TCP traffic what Toxiproxy's does:
 * latency delays, bandwidth throttles, slicer cuts without corrupting, timeout drops data
 * (and closes after its timeout, or when the upstream closes), reset_peer resets the connection after the upstream got
 * the request, limit_data cuts the answer short, slow_close delays the close, toxicity 0
 * never applies, and removing a toxic heals live traffic.
 * Method: an HTTP upstream (counting the requests it got) and a raw TCP upstream behind
 * proxies on loopback; fetch and node:net clients; real time, bounds of a few hundred ms.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { type ChaosProxy, type ChaosProxyServer, startChaosProxy } from '../../src/realnet/proxy/index.ts';

let admin: ChaosProxyServer;
let http: Server;
let tcp: TcpServer;
let httpAddress: string;
let tcpAddress: string;
let requests = 0;
let proxy: ChaosProxy;

const BIG = 'b'.repeat(64 * 1024);

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    requests++;
    res.end(req.url === '/big' ? BIG : 'ok');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpAddress = `127.0.0.1:${(http.address() as { port: number }).port}`;
  tcp = createTcpServer((socket) => socket.end('bye'));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpAddress = `127.0.0.1:${(tcp.address() as { port: number }).port}`;
  admin = await startChaosProxy({ seed: 'toxics-test' });
});

afterEach(async () => {
  await admin.registry.closeAll();
});

afterAll(async () => {
  await admin.close();
  http.close();
  tcp.close();
});

async function through(upstream = httpAddress): Promise<ChaosProxy> {
  proxy = await admin.registry.create({ name: `p${Math.random()}`, listen: '127.0.0.1:0', upstream, enabled: true });
  return proxy;
}

async function timed(path = '/', close = true): Promise<{ ms: number; text?: string; code?: string }> {
  const started = performance.now();
  try {
    const headers: Record<string, string> = close ? { connection: 'close' } : {};
    const response = await fetch(`http://${proxy.listen}${path}`, { headers, signal: AbortSignal.timeout(3_000) });
    const text = await response.text();
    return { ms: performance.now() - started, text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; name?: string } }).cause;
    return { ms: performance.now() - started, code: cause?.code ?? cause?.name ?? (error as Error).name };
  }
}

test('latency delays the answer by about its latency', async () => {
  await through();
  proxy.toxics.add({ type: 'latency', attributes: { latency: 200 } });
  const answer = await timed();
  expect(answer.text).toBe('ok');
  expect(answer.ms).toBeGreaterThanOrEqual(190);
  expect(answer.ms).toBeLessThan(10_000);
});

test('bandwidth throttles a 64 KiB answer to about rate KB/s; slicer cuts it without corrupting it', async () => {
  await through();
  proxy.toxics.add({ name: 'thin', type: 'bandwidth', attributes: { rate: 256 } });
  const slow = await timed('/big');
  expect(slow.text).toBe(BIG);
  expect(slow.ms).toBeGreaterThanOrEqual(200);
  proxy.toxics.remove('thin');
  proxy.toxics.add({ type: 'slicer', attributes: { average_size: 1_000, size_variation: 500, delay: 100 } });
  expect((await timed('/big')).text).toBe(BIG);
});

test('reset_peer resets the connection after the upstream received the request', async () => {
  await through();
  proxy.toxics.add({ type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } });
  const before = requests;
  const answer = await timed();
  expect(answer.code).toBe('ECONNRESET');
  expect(requests).toBe(before + 1);
});

test('timeout 0 swallows answers until removed; a timeout closes the connection after it', async () => {
  await through();
  proxy.toxics.add({ name: 'hold', type: 'timeout', attributes: { timeout: 0 } });
  const held = fetch(`http://${proxy.listen}/`, { signal: AbortSignal.timeout(400) });
  await expect(held).rejects.toMatchObject({ name: 'TimeoutError' });
  proxy.toxics.remove('hold');
  expect((await timed()).text).toBe('ok');
  proxy.toxics.add({ type: 'timeout', attributes: { timeout: 150 } });
  // Keep-alive: the upstream keeps the connection open, so only the toxic's timeout closes it.
  const closed = await timed('/', false);
  expect(closed.text).toBeUndefined();
  expect(closed.ms).toBeGreaterThanOrEqual(140);
  expect(closed.ms).toBeLessThan(10_000);
});

test('limit_data cuts the answer after its bytes and closes', async () => {
  await through();
  proxy.toxics.add({ type: 'limit_data', attributes: { bytes: 1_000 } });
  const answer = await timed('/big');
  expect(answer.text).toBeUndefined();
  expect(answer.code).toBeDefined();
});

test('toxicity 0 never applies; 1 always does', async () => {
  await through();
  proxy.toxics.add({ name: 'never', type: 'reset_peer', toxicity: 0 });
  expect((await timed()).text).toBe('ok');
  proxy.toxics.update('never', { toxicity: 1 });
  expect((await timed()).code).toBe('ECONNRESET');
});

test('slow_close holds the end of the stream for its delay', async () => {
  await through(tcpAddress);
  const [host, port] = proxy.listen.split(':');
  const closeMs = () =>
    new Promise<number>((resolve) => {
      const started = performance.now();
      const socket = connect(Number(port), host as string);
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.on('end', () => {
        resolve(performance.now() - started);
        socket.end();
      });
    });
  expect(await closeMs()).toBeLessThan(150);
  proxy.toxics.add({ type: 'slow_close', attributes: { delay: 300 } });
  expect(await closeMs()).toBeGreaterThanOrEqual(290);
});
