/**
 * Goal: the node:http host serves the same server on loopback and answers garbage with a clean
 * 4xx instead of crashing: bad JSON, oversized bodies (by header and by bytes), bytes that are
 * not HTTP, unknown routes.
 * Method: a real listening socket on 127.0.0.1; real fetch for HTTP, node:net for raw bytes.
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createHttpHost, DEVICE_HEADER, type HttpHost, type TokenResponse } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

let h: Harness;
let host: HttpHost;

beforeEach(async () => {
  h = new Harness({ config: { bodyLimitBytes: 1024 } });
  host = await createHttpHost(h.server);
});

afterEach(async () => {
  await host.close();
});

async function token(): Promise<string> {
  const response = await fetch(`${host.url}/auth/refresh`, {
    method: 'POST',
    body: JSON.stringify({ deviceId: 'real' }),
  });
  return ((await response.json()) as TokenResponse).token;
}

function raw(bytes: string): Promise<string> {
  const url = new URL(host.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('listens on 127.0.0.1 and serves ops and changes, with the device from its header', async () => {
  expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const bearer = `Bearer ${await token()}`;
  const op = { opId: 'r1', collection: 'notes', id: 'n1', kind: 'create', baseRev: null, patch: [] };
  const created = await fetch(`${host.url}/sync/ops`, {
    method: 'POST',
    headers: {
      authorization: bearer,
      'idempotency-key': 'r1',
      'content-type': 'application/json',
      [DEVICE_HEADER]: 'D1',
    },
    body: JSON.stringify(op),
  });
  expect(created.status).toBe(201);
  expect(created.headers.get('content-type')).toBe('application/json');
  const changes = await fetch(`${host.url}/changes?limit=5`, { headers: { authorization: bearer } });
  expect(await changes.json()).toMatchObject({ changes: [{ id: 'n1', rev: 1 }], hasMore: false });
  expect(h.eventData('server.apply')[0]).toMatchObject({ device: 'D1', opId: 'r1' });
});

test('bad JSON, unknown routes and wrong methods get clean 4xx answers', async () => {
  const bearer = `Bearer ${await token()}`;
  const bad = await fetch(`${host.url}/sync/batch`, {
    method: 'POST',
    headers: { authorization: bearer },
    body: '{{{',
  });
  expect([bad.status, await bad.json()]).toEqual([400, { error: 'bad-request', reason: 'invalid-json' }]);
  const nowhere = await fetch(`${host.url}/../../etc/passwd`);
  expect(nowhere.status).toBe(404);
  const wrong = await fetch(`${host.url}/changes`, { method: 'DELETE' });
  expect(wrong.status).toBe(405);
});

test('an oversized body is a 400 body-too-large, by Content-Length or by the bytes sent', async () => {
  const big = 'x'.repeat(5_000);
  const declared = await fetch(`${host.url}/auth/refresh`, { method: 'POST', body: big });
  expect([declared.status, await declared.json()]).toEqual([400, { error: 'bad-request', reason: 'body-too-large' }]);
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 0; index < 10; index++) controller.enqueue(new TextEncoder().encode('y'.repeat(500)));
      controller.close();
    },
  });
  const streamed = await fetch(`${host.url}/auth/refresh`, {
    method: 'POST',
    body: chunked,
    duplex: 'half',
  } as RequestInit);
  expect(streamed.status).toBe(400);
  expect(((await streamed.json()) as { reason: string }).reason).toBe('body-too-large');
});

test('bytes that are not HTTP get a bare 400 and the host keeps serving', async () => {
  const answer = await raw('GARBAGE \u0000\u0001 NOT HTTP\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  expect(answer).toContain('"reason":"malformed-http"');
  const after = await fetch(`${host.url}/auth/refresh`, { method: 'POST', body: JSON.stringify({ deviceId: 'x' }) });
  expect(after.status).toBe(200);
});
