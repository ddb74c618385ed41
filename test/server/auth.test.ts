/**
 * Goal: bearer tokens: refresh issues deterministic tokens, every other route needs one, and a
 * token expires after the TTL of virtual time (401 token-expired) until the client refreshes.
 * Method: call routes with missing, garbage, valid and expired tokens; advance virtual time.
 */
import { expect, test } from 'vitest';
import type { ErrorBody, TokenResponse } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

test('refresh answers a token and its expiry; the same seed gives the same tokens', async () => {
  const tokens: string[][] = [];
  for (const _run of [1, 2]) {
    const h = new Harness({ config: { tokenTtlMs: 60_000 } });
    const answers = [];
    for (const device of ['A', 'B']) {
      answers.push(await h.call<TokenResponse>('POST', '/auth/refresh', { token: null, body: { deviceId: device } }));
    }
    expect(answers[0]?.body.expiresAt).toBe(Date.UTC(2026, 0, 1) + 60_000);
    tokens.push(answers.map((answer) => answer.body.token));
  }
  expect(tokens[0]).toEqual(tokens[1]);
  expect(new Set(tokens[0]).size).toBe(2);
  const other = new Harness({ seed: 'another seed' });
  expect(await other.login('A')).not.toBe(tokens[0]?.[0]);
});

test('a missing or unknown token is a 401 on every route but refresh', async () => {
  const h = new Harness();
  for (const [method, path] of [
    ['POST', '/sync/ops'],
    ['POST', '/sync/batch'],
    ['GET', '/changes'],
    ['GET', '/snapshot'],
  ] as const) {
    const missing = await h.call<ErrorBody>(method, path, { token: null, body: method === 'POST' ? {} : undefined });
    expect([path, missing.status, missing.body]).toEqual([
      path,
      401,
      { error: 'unauthorized', reason: 'missing-token' },
    ]);
    const unknown = await h.call<ErrorBody>(method, path, {
      token: 'forged',
      body: method === 'POST' ? {} : undefined,
    });
    expect(unknown.body.reason).toBe('invalid-token');
  }
  const bad = await h.call<ErrorBody>('POST', '/auth/refresh', { token: null, body: { deviceId: '' } });
  expect(bad.body).toEqual({ error: 'bad-request', reason: 'too-small', path: 'deviceId' });
  expect(h.events('server.reject').map((event) => event.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 400]);
});

test('a token expires after the TTL of virtual time; a refreshed one works', async () => {
  const h = new Harness({ config: { tokenTtlMs: 60_000 } });
  const token = await h.login('A');
  await h.advance(59_999);
  expect((await h.call('GET', '/changes', { token })).status).toBe(200);
  await h.advance(1);
  const expired = await h.call<ErrorBody>('GET', '/changes', { token });
  expect(expired.status).toBe(401);
  expect(expired.body).toEqual({ error: 'unauthorized', reason: 'token-expired' });
  h.forgetToken('A');
  const fresh = await h.login('A');
  expect(fresh).not.toBe(token);
  expect((await h.call('GET', '/changes', { token: fresh })).status).toBe(200);
});
