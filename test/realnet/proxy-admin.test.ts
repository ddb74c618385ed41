/**
 * Goal: the embedded proxy's admin API is the Toxiproxy API syncstorm relies on, so the same
 * toxiproxy-node-client code drives it: version, create/list/get/update/delete proxies,
 * populate, add/get/update/remove toxics, reset; Toxiproxy's status codes and `{error,
 * status}` bodies; a clear 501 for what it does not implement.
 * Method: startChaosProxy on loopback; toxiproxy-node-client 4.1 and plain fetch; an HTTP
 * upstream to check that a disabled proxy refuses connections.
 */
import { createServer, type Server } from 'node:http';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChaosProxyServer, startChaosProxy } from '../../src/realnet/proxy/index.ts';

/** Admin requests declare their JSON bodies, as toxiproxy-node-client does. */
const JSON_BODY = { 'content-type': 'application/json' };
let admin: ChaosProxyServer;
let upstream: Server;
let upstreamAddress: string;
let client: Toxiproxy;

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamAddress = `127.0.0.1:${(upstream.address() as { port: number }).port}`;
  admin = await startChaosProxy({ seed: 'admin-test' });
  client = new Toxiproxy(admin.url);
});

afterAll(async () => {
  await admin.close();
  upstream.close();
});

test('version, create (port 0 resolved), get and list', async () => {
  expect(await client.getVersion()).toContain('version');
  const proxy = await client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream: upstreamAddress });
  expect(proxy.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  expect(proxy.enabled).toBe(true);
  expect((await client.get('api')).upstream).toBe(upstreamAddress);
  expect(Object.keys(await client.getAll())).toContain('api');
  expect(await (await fetch(`http://${proxy.listen}/`)).text()).toBe('hello');
  await expect(client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream: upstreamAddress })).rejects.toThrow(
    /409/,
  );
  await proxy.remove();
  await expect(client.get('api')).rejects.toThrow(/404/);
});

test('toxics: add with defaults, get, update (POST and PATCH), list, remove', async () => {
  const proxy = await client.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: upstreamAddress });
  const toxic = await proxy.addToxic({
    name: 'slow',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 50, jitter: 0 },
  });
  expect(toxic.toJson()).toEqual({
    name: 'slow',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 50, jitter: 0 },
  });
  const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 80, jitter: 10 } });
  expect(updated.attributes).toEqual({ latency: 80, jitter: 10 });
  const patched = await fetch(`${proxy.getPath()}/toxics/slow`, {
    method: 'PATCH',
    headers: JSON_BODY,
    body: JSON.stringify({ toxicity: 0.5 }),
  });
  expect(await patched.json()).toMatchObject({ toxicity: 0.5, attributes: { latency: 80 } });
  const defaulted = await fetch(`${proxy.getPath()}/toxics`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ type: 'reset_peer' }),
  });
  expect(await defaulted.json()).toEqual({
    name: 'reset_peer_downstream',
    type: 'reset_peer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 0 },
  });
  const listed = (await (await fetch(`${proxy.getPath()}/toxics`)).json()) as { name: string }[];
  expect(listed.map((entry) => entry.name)).toEqual(['slow', 'reset_peer_downstream']);
  await (await proxy.getToxic('slow')).remove();
  await expect(proxy.getToxic('slow')).rejects.toThrow(/404/);
  await client.reset();
  expect((await (await fetch(`${proxy.getPath()}/toxics`)).json()) as unknown[]).toEqual([]);
  await proxy.remove();
});

test('a disabled proxy refuses connections; enabling (or reset) brings it back on the same address', async () => {
  const proxy = await client.createProxy({ name: 'down', listen: '127.0.0.1:0', upstream: upstreamAddress });
  const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  expect(down.enabled).toBe(false);
  await expect(fetch(`http://${proxy.listen}/`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  await client.reset();
  expect((await client.get('down')).enabled).toBe(true);
  expect(await (await fetch(`http://${proxy.listen}/`)).text()).toBe('hello');
  await proxy.remove();
});

test('populate creates a list and keeps unchanged proxies', async () => {
  const proxies = await client.populate([
    { name: 'p1', listen: '127.0.0.1:0', upstream: upstreamAddress },
    { name: 'p2', listen: '127.0.0.1:0', upstream: upstreamAddress },
  ]);
  expect(Object.keys(proxies).sort()).toEqual(['p1', 'p2']);
  const p1 = proxies.p1!;
  const again = await client.populate([{ name: 'p1', listen: p1.listen, upstream: upstreamAddress }]);
  expect(again.p1?.listen).toBe(p1.listen);
  await p1.remove();
  await proxies.p2!.remove();
});

test("errors have Toxiproxy's shape; what is not implemented is a 501 that names it", async () => {
  const missing = await fetch(`${admin.url}/proxies/nope`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: 'proxy not found', status: 404 });
  const noName = await fetch(`${admin.url}/proxies`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ upstream: upstreamAddress }),
  });
  expect(await noName.json()).toEqual({ error: 'missing required field: name', status: 400 });
  await client.createProxy({ name: 'err', listen: '127.0.0.1:0', upstream: upstreamAddress });
  const badType = await fetch(`${admin.url}/proxies/err/toxics`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ type: 'meteor' }),
  });
  expect(await badType.json()).toEqual({ error: 'invalid toxic type', status: 400 });
  const badStream = await fetch(`${admin.url}/proxies/err/toxics`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ type: 'latency', stream: 'sideways' }),
  });
  expect(badStream.status).toBe(400);
  const badJson = await fetch(`${admin.url}/proxies`, { method: 'POST', headers: JSON_BODY, body: '{' });
  expect(badJson.status).toBe(400);
  const metrics = await fetch(`${admin.url}/metrics`);
  expect(metrics.status).toBe(501);
  expect(((await metrics.json()) as { error: string }).error).toMatch(/not implemented.*\/metrics/);
  await (await client.get('err')).remove();
});
