/**
 * Goal: the server hooks API does what docs/server-hooks.md says. beforeRequest may answer in
 * the server's place (the server never sees the request) or hand it another request;
 * afterRequest may replace the answer; start schedules jobs on the virtual clock, which run
 * at their virtual time and may read the store and write notes into the trace. Server specs
 * resolve to the reference server (no wrapper), a mutant, or a module's hooks or wrapper;
 * a bad spec or module is a UsageError naming it.
 * Method: a ReferenceServer driven by hand (test/server/harness), wrapped as the world wraps it.
 */
import { describe, expect, test } from 'vitest';
import { isUsageError } from '../../src/kernel/errors.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { createServerEnv, type ServerHooks, type ServerWrapper, wrapperOfHooks } from '../../src/server/hooks.ts';
import { resolveServer, serverProblem } from '../../src/server/resolve.ts';
import { BASE_URL, Harness } from './harness.ts';

function wrapped(h: Harness, wrapper: ServerWrapper) {
  const env = createServerEnv({
    name: wrapper.name,
    scheduler: h.scheduler,
    rng: new Rng('hooks'),
    trace: h.trace,
    records: () => h.server.records(),
  });
  return wrapper.wrap((request, device) => h.server.handle(request, { deviceId: device }), env);
}

async function get(handle: ReturnType<typeof wrapped>, h: Harness, path: string) {
  const token = await h.login('A');
  return handle(new Request(`${BASE_URL}${path}`, { headers: { authorization: `Bearer ${token}` } }), 'A');
}

describe('hooks around the reference server', () => {
  test('beforeRequest answers in place of the server, or hands it another request; afterRequest replaces the answer', async () => {
    const h = new Harness();
    const hooks: ServerHooks = {
      name: 'quirks',
      beforeRequest(request) {
        const url = new URL(request.url);
        if (url.pathname === '/snapshot') return new Response(null, { status: 418 });
        if (url.searchParams.get('limit') === '7') {
          url.searchParams.set('limit', 'not-a-number');
          return new Request(url, { headers: request.headers });
        }
        return undefined;
      },
      afterRequest: (_request, response) =>
        response.status === 200
          ? new Response('{"changes":[],"next":"x","hasMore":false}', { status: 299 })
          : undefined,
    };
    const handle = wrapped(h, wrapperOfHooks(hooks));
    const before = h.trace.length;
    expect((await get(handle, h, '/snapshot')).status).toBe(418);
    expect(h.trace.length).toBe(before); // the server never saw it
    expect((await get(handle, h, '/changes?limit=7')).status).toBe(400); // the server saw the swapped request
    expect((await get(handle, h, '/changes?limit=2')).status).toBe(299);
  });

  test('start schedules jobs on the virtual clock; they read the store and write notes', async () => {
    const h = new Harness();
    const seen: [number, number][] = [];
    const hooks: ServerHooks = {
      name: 'job',
      start(env) {
        env.schedule(5_000, 'count', () => {
          seen.push([env.now(), env.records().length]);
          env.note('counted', { records: env.records().length });
        });
      },
    };
    wrapped(h, wrapperOfHooks(hooks));
    await h.op(h.create('notes', 'a'));
    await h.advance(4_999);
    expect(seen).toEqual([]);
    await h.advance(1);
    expect(seen).toEqual([[5_000, 1]]);
    expect(h.eventData('server.hook')).toEqual([{ server: 'job', message: 'counted', records: 1 }]);
  });
});

describe('server specs', () => {
  test('reference is no wrapper; mutant:<name> is that mutant; modules give hooks or a wrapper', async () => {
    expect(await resolveServer('reference')).toBeUndefined();
    expect((await resolveServer('mutant:stale-cache-reload'))?.name).toBe('stale-cache-reload');
    const teapot = await resolveServer('test/server/fixtures/teapot-hooks.ts');
    const stamp = await resolveServer('./test/server/fixtures/wrap-server.ts');
    const h = new Harness();
    expect((await get(wrapped(h, teapot as ServerWrapper), h, '/snapshot')).status).toBe(418);
    const answer = await get(wrapped(h, stamp as ServerWrapper), h, '/changes');
    expect([answer.status, answer.headers.get('x-wrapped')]).toEqual([200, 'yes']);
  });

  test('a bad spec or module is a UsageError naming it', async () => {
    const cases: [string, RegExp][] = [
      ['mutant:nope', /no server mutant named 'nope'/],
      ['bogus', /Server 'bogus' is unknown/],
      ['./test/server/fixtures/missing.ts', /not found/],
      ['test/server/fixtures/no-hooks-server.ts', /neither `wrap\(next, env\)` nor any hook/],
    ];
    for (const [spec, message] of cases) {
      const error = await resolveServer(spec).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isUsageError(error), spec).toBe(true);
      expect(String(error)).toMatch(message);
    }
    expect(serverProblem(null)).toMatch(/null/);
    expect(serverProblem({ name: 'x', wrap: 3 })).toMatch(/wrap/);
    expect(serverProblem({ name: 'x', afterRequest: 'no' })).toMatch(/afterRequest/);
    expect(serverProblem({ name: 'x', start: () => undefined })).toBeUndefined();
  });
});
