/**
 * Goal: a real-network command that cannot set itself up (a port in use, a proxy admin API
 * that refuses) exits 2 with the underlying message, never 1 (kept for invariant
 * violations) nor "internal error".
 * Method: the real binary as a child process; a TCP listener holds a port; a stand-in admin
 * API answers /version and refuses to create the proxy as Toxiproxy 2.12 does (500, its
 * text/plain `{error, status}` body for a busy listen address).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { killAll, run } from './spawn.ts';

let busy: TcpServer;
let busyPort: number;
let refusing: Server;
let refusingUrl: string;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
  refusing = createHttpServer((req, res) => {
    if (req.url === '/version') return void res.end('{"version": "2.12.0"}\n');
    if (req.method === 'GET') return void res.writeHead(404).end('{"error":"proxy not found","status":404}\n');
    const error = `listen tcp 127.0.0.1:${busyPort}: bind: address already in use`;
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`{"error":"${error}","status":500}\n`);
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
});

afterEach(() => killAll());

afterAll(async () => {
  busy.close();
  refusing.close();
});

function expectSetupFailure(outcome: { code: number | null; stderr: string }, message: RegExp): void {
  expect(outcome.stderr).toMatch(message);
  expect(outcome.stderr).not.toMatch(/internal error/);
  expect(outcome.code).toBe(2);
}

test("chaos with its embedded proxy told to listen on a busy port exits 2 with the proxy's message", async () => {
  const outcome = await run(['chaos', '--proxy-listen', `127.0.0.1:${busyPort}`, '--duration', '1']);
  expectSetupFailure(outcome, /refused to create .*answered 500: listen tcp .*address already in use/);
});

test('serve and chaos on a busy server port exit 2', async () => {
  expectSetupFailure(await run(['serve', '--port', String(busyPort)]), /port is in use/);
  expectSetupFailure(await run(['chaos', '--server-port', String(busyPort), '--duration', '1']), /port is in use/);
});

test("chaos against a Toxiproxy that answers 500 exits 2 with Toxiproxy's own message", async () => {
  const outcome = await run(['chaos', '--proxy-url', refusingUrl, '--duration', '1']);
  expectSetupFailure(outcome, /answered 500: listen tcp .* address already in use/);
});
