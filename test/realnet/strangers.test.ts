/**
 * Goal: the control API of `serve` and the embedded proxy's admin API refuse requests a web
 * page (or a DNS-rebinding name) could make: a foreign Origin (403), a text/plain or form
 * post (415), a Host that does not name the server (403), a missing token when one is set
 * (401); the user's own same-origin JSON requests still work, and the sync API stays open
 * to the app under test. A refused request changes nothing (the history survives, no relay
 * proxy is opened).
 * Method: startServe and startChaosProxy on loopback; raw node:http requests (so Host and
 * Origin can be anything), and toxiproxy-node-client through ProxyLink for the token.
 */
import { request } from 'node:http';
import { hostname } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { checkBindHost, isLoopbackHost } from '../../src/realnet/bind-address.ts';
import { ProxyLink } from '../../src/realnet/chaos/toxiproxy-link.ts';
import { type ChaosProxyServer, startChaosProxy } from '../../src/realnet/proxy/index.ts';
import { type Serving, startServe } from '../../src/realnet/serve.ts';
import { type GuardRequest, StrangerGuard } from '../../src/realnet/stranger-guard.ts';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One raw HTTP request to `base` with exactly these headers (Host included). */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: { host: url.host, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const EVIL = 'https://evil.example';

let serving: Serving | undefined;
let proxy: ChaosProxyServer | undefined;

afterEach(async () => {
  await serving?.close();
  await proxy?.close();
  serving = undefined;
  proxy = undefined;
});

async function generation(url: string): Promise<number> {
  return ((await (await fetch(`${url}/_syncstorm/health`)).json()) as { generation: number }).generation;
}

describe('control API of serve', () => {
  test('a cross-site text/plain POST to /_syncstorm/reset is refused and the history survives', async () => {
    serving = await startServe();
    const { url } = serving;
    const rule = JSON.stringify({ id: 'keep', match: { route: 'op' }, fault: { type: '503' } });
    expect((await send(url, '/_syncstorm/rules', { method: 'POST', headers: JSON_TYPE, body: rule })).status).toBe(201);
    const foreign = await send(url, '/_syncstorm/reset', {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ reason: 'foreign-origin' });
    const plain = await send(url, '/_syncstorm/reset', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(415);
    const form = await send(url, '/_syncstorm/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
    expect((await send(url, '/_syncstorm/reset', { method: 'POST', headers: { origin: 'null' } })).status).toBe(403);
    expect(await generation(url)).toBe(0);
    const rules = JSON.parse((await send(url, '/_syncstorm/rules')).body) as { rules: { id: string }[] };
    expect(rules.rules.map((entry) => entry.id)).toEqual(['keep']);
  });

  test('a Host that does not name the server is refused (DNS rebinding), for reads too', async () => {
    serving = await startServe();
    const port = new URL(serving.url).port;
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`,
      'evil.example',
      `a@127.0.0.1:${port}`,
    ]) {
      const answer = await send(serving.url, '/_syncstorm/history', { headers: { host } });
      expect(answer.status, host).toBe(403);
      expect(JSON.parse(answer.body), host).toMatchObject({ reason: 'foreign-host' });
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await send(serving.url, '/_syncstorm/health', { headers: { host } })).status, host).toBe(200);
    }
  });

  test('same-origin JSON requests and body-less posts from local tools work', async () => {
    serving = await startServe();
    const { url } = serving;
    const rule = JSON.stringify({ match: { route: 'op' }, fault: { type: '503' }, times: 1 });
    const sameOrigin = { origin: url, ...JSON_TYPE };
    expect((await send(url, '/_syncstorm/rules', { method: 'POST', headers: sameOrigin, body: rule })).status).toBe(
      201,
    );
    const charset = { 'content-type': 'application/json; charset=utf-8' };
    const faults = await send(url, '/_syncstorm/faults', {
      method: 'POST',
      headers: charset,
      body: '{"enabled":true}',
    });
    expect(faults.status).toBe(200);
    expect((await send(url, '/_syncstorm/reset', { method: 'POST' })).status).toBe(200);
    expect((await send(url, '/_syncstorm/rules', { method: 'DELETE' })).status).toBe(204);
    expect(await generation(url)).toBe(1);
  });

  test('with a token, a control request without it (or with another) is 401; with it, 200', async () => {
    serving = await startServe({ token: 's3cret-token' });
    const { url } = serving;
    const none = await send(url, '/_syncstorm/health');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await send(url, '/_syncstorm/health', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await send(url, '/_syncstorm/health', { headers: { authorization: 'Basic s3cret-token' } })).status).toBe(
      401,
    );
    const bearer = { authorization: 'Bearer s3cret-token' };
    expect((await send(url, '/_syncstorm/health', { headers: bearer })).status).toBe(200);
    const reset = await send(url, '/_syncstorm/reset', { method: 'POST', headers: { ...bearer, ...JSON_TYPE } });
    expect(reset.status).toBe(200);
  });

  test('bound to every interface, IP addresses and the machine name are served, foreign names are not', async () => {
    serving = await startServe({ host: '0.0.0.0' });
    const port = new URL(serving.url).port;
    const base = `http://127.0.0.1:${port}`;
    for (const host of [`127.0.0.1:${port}`, `10.1.2.3:${port}`, `${hostname()}:${port}`, `localhost:${port}`]) {
      expect((await send(base, '/_syncstorm/health', { headers: { host } })).status, host).toBe(200);
    }
    expect((await send(base, '/_syncstorm/health', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
  });

  test('the sync API stays open to the app under test, whatever its Origin or Host', async () => {
    serving = await startServe({ token: 'control-only' });
    const answer = await send(serving.url, '/auth/refresh', {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', host: 'my-laptop.local:8787', 'content-type': 'text/plain' },
      body: '{"deviceId":"web"}',
    });
    expect(answer.status).toBe(200);
  });
});

describe('admin API of the embedded proxy', () => {
  test('a cross-site POST to /proxies opening a relay on every interface is refused; nothing listens', async () => {
    proxy = await startChaosProxy();
    const body = JSON.stringify({ name: 'relay', listen: '0.0.0.0:0', upstream: '127.0.0.1:9' });
    const foreign = await send(proxy.url, '/proxies', {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body,
    });
    expect(foreign.status).toBe(403);
    const plain = await send(proxy.url, '/proxies', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(plain.status).toBe(415);
    // Even the user's own JSON request may not listen beyond loopback without --allow-remote.
    const own = await send(proxy.url, '/proxies', { method: 'POST', headers: JSON_TYPE, body });
    expect(own.status).toBe(403);
    expect(JSON.parse(own.body)).toMatchObject({ status: 403, error: expect.stringMatching(/--allow-remote/) });
    const port = new URL(proxy.url).port;
    const rebound = await send(proxy.url, '/proxies', { headers: { host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(proxy.registry.list()).toHaveLength(0);
  });

  test('a loopback proxy is created by a same-origin JSON request; a PATCH moving it to 0.0.0.0 is refused', async () => {
    proxy = await startChaosProxy();
    const body = JSON.stringify({ name: 'api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    const created = await send(proxy.url, '/proxies', {
      method: 'POST',
      headers: { origin: proxy.url, ...JSON_TYPE },
      body,
    });
    expect(created.status).toBe(201);
    const moved = await send(proxy.url, '/proxies/api', {
      method: 'PATCH',
      headers: JSON_TYPE,
      body: JSON.stringify({ listen: '0.0.0.0:0' }),
    });
    expect(moved.status).toBe(403);
    expect(proxy.registry.get('api').listen).toMatch(/^127\.0\.0\.1:/);
  });

  test('with allowRemote, a proxy may listen on every interface', async () => {
    proxy = await startChaosProxy({ allowRemote: true });
    const body = JSON.stringify({ name: 'lan', listen: '0.0.0.0:0', upstream: '127.0.0.1:9' });
    const created = await send(proxy.url, '/proxies', { method: 'POST', headers: JSON_TYPE, body });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).listen).toMatch(/^0\.0\.0\.0:\d+$/);
  });

  test('with a token, toxiproxy-node-client works through ProxyLink; without it, 401', async () => {
    proxy = await startChaosProxy({ token: 'proxy-token' });
    expect((await send(proxy.url, '/version')).status).toBe(401);
    await expect(
      ProxyLink.open({ adminUrl: proxy.url, name: 'x', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }),
    ).rejects.toThrow(/Cannot reach the proxy admin API/);
    const link = await ProxyLink.open({
      adminUrl: proxy.url,
      name: 'guarded',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:9',
      token: 'proxy-token',
    });
    await link.apply({
      atMs: 0,
      do: 'add',
      toxic: { name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } },
    });
    await link.heal();
    await link.remove();
    expect(proxy.registry.list()).toHaveLength(0);
  });

  test('proxy and toxic names, toxic attributes, toxicity, stream and type are validated as Toxiproxy does (400)', async () => {
    proxy = await startChaosProxy();
    const post = (path: string, value: unknown) =>
      send((proxy as ChaosProxyServer).url, path, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(value) });
    for (const name of ['../x', '__proto__', '.', 'a/b', 'a b', '', 'x'.repeat(129), 'ünïcode', '\u001b[31mred']) {
      const answer = await post('/proxies', { name, listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      expect(answer.status, name).toBe(400);
    }
    expect(proxy.registry.list()).toHaveLength(0);
    expect((await post('/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' })).status).toBe(201);
    const bad: [string, unknown][] = [
      ['fractional latency', { type: 'latency', attributes: { latency: 1.5 } }],
      ['huge latency', { type: 'latency', attributes: { latency: 2 ** 40 } }],
      ['string attribute', { type: 'latency', attributes: { latency: '10' } }],
      ['string toxicity', { type: 'latency', toxicity: '1' }],
      ['bad stream', { type: 'latency', stream: 'sideways' }],
      ['unknown type', { type: 'meteor' }],
      ['proto type', { type: '__proto__' }],
      ['toxic named __proto__', { type: 'latency', name: '__proto__' }],
      ['toxic named ../x', { type: 'latency', name: '../x' }],
    ];
    for (const [what, body] of bad) expect((await post('/proxies/p/toxics', body)).status, what).toBe(400);
    expect(proxy.registry.get('p').toxics.all()).toHaveLength(0);
    const good = await post('/proxies/p/toxics', {
      type: 'latency',
      attributes: { latency: 0, jitter: 2_147_483_647 },
    });
    expect(good.status).toBe(200);
    const update = await post('/proxies/p/toxics/latency_downstream', { attributes: { latency: 1.5 } });
    expect(update.status).toBe(400);
    // What Toxiproxy 2.12 accepts (read from its source, checked against its binary): negative
    // attributes, toxicity outside [0, 1], an empty name (it becomes <type>_<stream>).
    const accepted: [string, unknown][] = [
      ['negative latency', { type: 'latency', name: 'neg', attributes: { latency: -1, jitter: -5 } }],
      ['negative timeout', { type: 'timeout', attributes: { timeout: -1 } }],
      ['toxicity above 1', { type: 'slow_close', toxicity: 1.5 }],
      ['negative toxicity', { type: 'limit_data', toxicity: -0.1 }],
      ['empty name', { type: 'bandwidth', name: '' }],
    ];
    for (const [what, body] of accepted) expect((await post('/proxies/p/toxics', body)).status, what).toBe(200);
    expect(proxy.registry.get('p').toxics.get('bandwidth_downstream').json.name).toBe('bandwidth_downstream');
  });

  test('a malformed percent-encoding in a name answers 400, not 500', async () => {
    proxy = await startChaosProxy();
    for (const path of ['/proxies/%E0%A4%A', '/proxies/%', '/proxies/x/toxics/%ZZ']) {
      const answer = await send(proxy.url, path);
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, error: expect.stringMatching(/percent-encoding/) });
    }
  });
});

describe('bind addresses', () => {
  test('loopback is told apart from every other interface', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', '128.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  test('a non-loopback host needs allowRemote, then warns; an empty one is refused', () => {
    const lines: string[] = [];
    const warn = (line: string) => void lines.push(line);
    expect(() => checkBindHost({ flag: '--host', host: '0.0.0.0', allowRemote: false, warn })).toThrow(
      /--allow-remote/,
    );
    expect(() => checkBindHost({ flag: '--host', host: ' ', allowRemote: true, warn })).toThrow(/--host ''/);
    checkBindHost({ flag: '--host', host: '127.0.0.1', allowRemote: false, warn });
    expect(lines).toEqual([]);
    checkBindHost({ flag: '--host', host: '0.0.0.0', allowRemote: true, warn });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: --host 0\.0\.0\.0/);
  });
});

describe('the guard on its own', () => {
  const guard = new StrangerGuard({ host: '127.0.0.1', port: 8787 });
  const base: GuardRequest = {
    method: 'POST',
    host: '127.0.0.1:8787',
    origin: undefined,
    contentType: 'application/json',
    authorization: undefined,
    hasBody: true,
  };
  const reason = (change: Partial<GuardRequest>) => guard.check({ ...base, ...change })?.reason;

  test('only the exact same origin passes; other schemes, ports, paths and null do not', () => {
    expect(reason({ origin: 'http://127.0.0.1:8787' })).toBeUndefined();
    for (const origin of ['https://127.0.0.1:8787', 'http://127.0.0.1:8788', 'http://localhost:8787', 'null', 'x']) {
      expect(reason({ origin }), origin).toBe('foreign-origin');
    }
    expect(reason({ host: 'localhost:8787', origin: 'http://localhost:8787' })).toBeUndefined();
  });

  test('a body must be JSON on a state change; a body-less request without Content-Type passes; reads are free', () => {
    expect(reason({ contentType: 'text/plain' })).toBe('json-only');
    expect(reason({ contentType: 'application/jsonx' })).toBe('json-only');
    expect(reason({ contentType: undefined })).toBe('json-only');
    expect(reason({ contentType: undefined, hasBody: false })).toBeUndefined();
    expect(reason({ method: 'DELETE', contentType: undefined, hasBody: false })).toBeUndefined();
    expect(reason({ method: 'GET', contentType: 'text/plain' })).toBeUndefined();
    expect(reason({ contentType: 'Application/JSON; charset=utf-8' })).toBeUndefined();
  });

  test('no Host, a Host with userinfo or a path, or the default port when bound elsewhere, is foreign', () => {
    for (const host of [undefined, '', 'a@127.0.0.1:8787', '127.0.0.1:8787/x', '127.0.0.1', '127.0.0.1:80']) {
      expect(reason({ host }), String(host)).toBe('foreign-host');
    }
  });
});
