/**
 * Goal: the served server survives hostile clients: malformed JSON, bodies over the limit
 * (announced and streamed), bytes that are not HTTP and a client that trickles its request
 * all get a 4xx (the slow one 408), never a crash, and the server keeps answering others
 * meanwhile.
 * Method: startServe with a 1 KiB body limit and a 600 ms request timeout; fetch for HTTP,
 * node:net for raw and slow bytes.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Serving, startServe } from '../../src/realnet/serve.ts';

let serving: Serving;
let port: number;

beforeAll(async () => {
  serving = await startServe({ config: { bodyLimitBytes: 1024 }, requestTimeoutMs: 600 });
  port = Number(new URL(serving.url).port);
});

afterAll(async () => {
  await serving.close();
});

/** Writes `parts` with `gapMs` between them; resolves with everything the server sent back. */
function raw(parts: string[], gapMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
    let index = 0;
    const next = () => {
      if (index >= parts.length || socket.destroyed) return;
      socket.write(parts[index++] as string);
      setTimeout(next, gapMs);
    };
    socket.on('connect', next);
  });
}

async function healthy(): Promise<boolean> {
  const answer = await fetch(`${serving.url}/auth/refresh`, {
    method: 'POST',
    body: JSON.stringify({ deviceId: 'ok' }),
  });
  return answer.status === 200;
}

test('malformed JSON is a 400 invalid-json', async () => {
  const answer = await fetch(`${serving.url}/auth/refresh`, { method: 'POST', body: '{"deviceId":' });
  expect(answer.status).toBe(400);
  expect(await answer.json()).toMatchObject({ error: 'bad-request', reason: 'invalid-json' });
  expect(await healthy()).toBe(true);
});

test('a body over the limit is a 400 body-too-large, announced or streamed', async () => {
  const announced = await fetch(`${serving.url}/sync/ops`, { method: 'POST', body: 'x'.repeat(5_000) });
  expect(announced.status).toBe(400);
  expect(await announced.json()).toMatchObject({ reason: 'body-too-large' });
  const chunk = `${(2_048).toString(16)}\r\n${'y'.repeat(2_048)}\r\n`;
  const streamed = await raw([
    `POST /sync/ops HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n`,
    chunk,
    chunk,
    '0\r\n\r\n',
  ]);
  expect(streamed).toMatch(/^HTTP\/1\.1 400/);
  expect(streamed).toContain('body-too-large');
  expect(await healthy()).toBe(true);
});

test('bytes that are not HTTP get a bare 400 and the connection closes', async () => {
  const answer = await raw(['\u0000\u0001 definitely not http\r\n\r\n']);
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(await healthy()).toBe(true);
});

test('a client that trickles its headers gets 408 while the server keeps serving others', async () => {
  const slow = raw(
    [
      'POST /auth/refresh HTTP/1.1\r\n',
      'host: x\r\n',
      'x-a: 1\r\n',
      'x-b: 2\r\n',
      'x-c: 3\r\n',
      'x-d: 4\r\n',
      'x-e: 5\r\n',
    ],
    300,
  );
  expect(await healthy()).toBe(true);
  const answer = await slow;
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(await healthy()).toBe(true);
});

test('an oversized and malformed control request is refused, the control API still answers', async () => {
  const answer = await fetch(`${serving.url}/_syncstorm/rules`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[{"match":',
  });
  expect(answer.status).toBe(400);
  const big = await fetch(`${serving.url}/_syncstorm/rules`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'z'.repeat(10_000),
  });
  expect(big.status).toBe(400);
  expect((await fetch(`${serving.url}/_syncstorm/health`)).status).toBe(200);
});
