/**
 * Goal: `serve` is the reference server in real time with a working control API: it reads
 * the history, sets and clears server fault rules, turns faults off, lists records, resets
 * state, and refuses unknown control routes; `slow` faults and long-polls end in real time.
 * Method: startServe on 127.0.0.1 (free port) at speed 10; plain fetch.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type Serving, startServe } from '../../src/realnet/serve.ts';
import type { TokenResponse } from '../../src/server/protocol.ts';

let serving: Serving;
let token: string;

beforeEach(async () => {
  serving = await startServe({ speed: 10, config: { longPollTimeoutMs: 2_000 } });
  const answer = await fetch(`${serving.url}/auth/refresh`, {
    method: 'POST',
    body: JSON.stringify({ deviceId: 'A' }),
  });
  token = ((await answer.json()) as TokenResponse).token;
});

afterEach(async () => {
  await serving.close();
});

function op(id: string, opId: string) {
  return fetch(`${serving.url}/sync/ops`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': opId, 'x-syncstorm-device': 'A' },
    body: JSON.stringify({ opId, collection: 'notes', id, kind: 'create', baseRev: null, patch: [] }),
  });
}

/** A control request as the user's own tools send it: JSON bodies declared as JSON. */
const control = (path: string, init?: RequestInit) =>
  fetch(
    `${serving.url}/_syncstorm/${path}`,
    init?.body === undefined ? init : { ...init, headers: { 'content-type': 'application/json' } },
  );

test('health and history show what the server recorded, by device, in pages', async () => {
  expect((await op('n1', 'o1')).status).toBe(201);
  expect((await op('n1', 'o1')).status).toBe(201);
  const health = (await (await control('health')).json()) as Record<string, unknown>;
  expect(health).toMatchObject({ status: 'ok', mutant: null, generation: 0, speed: 10 });
  const history = (await (await control('history?limit=1')).json()) as {
    events: { type: string; device: string }[];
    next: number;
    hasMore: boolean;
  };
  expect(history.events).toHaveLength(1);
  expect(history.events[0]).toMatchObject({ type: 'server.apply', device: 'A' });
  expect(history.hasMore).toBe(true);
  const rest = (await (await control(`history?since=${history.next}`)).json()) as {
    events: { type: string }[];
    hasMore: boolean;
  };
  expect(rest.events.map((event) => event.type)).toEqual(['server.replay']);
  expect(rest.hasMore).toBe(false);
});

test('fault rules are set, listed, suspended and cleared through the control API', async () => {
  const rule = { id: 'down', match: { route: 'op' }, fault: { type: '503', retryAfterS: 1 } };
  expect((await control('rules', { method: 'POST', body: JSON.stringify(rule) })).status).toBe(201);
  expect((await op('n2', 'o2')).status).toBe(503);
  const listed = (await (await control('rules')).json()) as { rules: { id: string }[] };
  expect(listed.rules.map((entry) => entry.id)).toEqual(['down']);
  expect((await control('faults', { method: 'POST', body: JSON.stringify({ enabled: false }) })).status).toBe(200);
  expect((await op('n2', 'o2')).status).toBe(201);
  expect((await control('faults', { method: 'POST', body: JSON.stringify({ enabled: true }) })).status).toBe(200);
  expect((await control('rules', { method: 'DELETE' })).status).toBe(204);
  expect((await op('n3', 'o3')).status).toBe(201);
  const bad = await control('rules', {
    method: 'POST',
    body: JSON.stringify({ match: {}, fault: { type: 'meteor' } }),
  });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ reason: 'invalid-rule' });
});

test('reset starts a fresh server: no records, an empty history, a new generation', async () => {
  await op('n4', 'o4');
  expect(((await (await control('records')).json()) as { records: unknown[] }).records).toHaveLength(1);
  const reset = (await (await control('reset', { method: 'POST' })).json()) as { generation: number };
  expect(reset.generation).toBe(1);
  expect(((await (await control('records')).json()) as { records: unknown[] }).records).toHaveLength(0);
  expect(((await (await control('history')).json()) as { events: unknown[] }).events).toHaveLength(0);
});

test('unknown control routes answer 404, wrong methods 405 with Allow', async () => {
  expect((await control('nope')).status).toBe(404);
  const wrong = await control('reset');
  expect(wrong.status).toBe(405);
  expect(wrong.headers.get('allow')).toBe('POST');
});

test('a slow fault and a long-poll end in real time (the pump runs virtual time)', async () => {
  // 30 s of server time at speed 10 is 3 s of real time: the upper bound (the time the fault
  // would take unscaled) is ten times the answer, so a busy machine does not reach it (issue 19).
  const rule = { match: { route: 'changes' }, fault: { type: 'slow', ms: 30_000 }, times: 1 };
  await control('rules', { method: 'POST', body: JSON.stringify(rule) });
  const headers = { authorization: `Bearer ${token}` };
  let started = performance.now();
  expect((await fetch(`${serving.url}/changes`, { headers })).status).toBe(200);
  const slowMs = performance.now() - started;
  expect(slowMs).toBeGreaterThanOrEqual(2_500);
  expect(slowMs).toBeLessThan(30_000);
  started = performance.now();
  const live = await fetch(`${serving.url}/changes?live=true&since=c0`, { headers });
  expect(live.status).toBe(200);
  expect(performance.now() - started).toBeGreaterThanOrEqual(150);
});
