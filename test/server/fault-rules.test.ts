/**
 * Goal: fault rules match by device, route, kind, nth, time window and probability, fire at most
 * `times` times, the first firing rule decides, and invalid rules are refused.
 * Method: add rules, send requests, compare the statuses against the expected firing pattern.
 */
import { describe, expect, test } from 'vitest';
import type { BatchResponse, ServerFaultRule } from '../../src/server/index.ts';
import { Harness, setTitle, withRecords } from './harness.ts';

describe('rule matching', () => {
  test('nth fires on the nth matching request only; times bounds the firings', async () => {
    const h = await withRecords(0);
    h.server.addRule({ id: 'second', match: { route: 'changes', nth: 2 }, fault: { type: '500' } });
    h.server.addRule({ id: 'twice', match: { route: 'snapshot' }, fault: { type: '503' }, times: 2 });
    const changes = [];
    for (let index = 0; index < 4; index++) changes.push((await h.call('GET', '/changes')).status);
    const snapshots = [];
    for (let index = 0; index < 4; index++) snapshots.push((await h.call('GET', '/snapshot')).status);
    expect(changes).toEqual([200, 500, 200, 200]);
    expect(snapshots).toEqual([503, 503, 200, 200]);
  });

  test('device, route, kind and time window narrow the match', async () => {
    const h = await withRecords(0);
    h.server.addRule({
      match: { device: 'B', route: 'op', kind: 'create', fromMs: 1_000, untilMs: 2_000 },
      fault: { type: '500' },
    });
    const statuses: Array<[string, number]> = [];
    const attempt = async (label: string, device: string) =>
      statuses.push([label, (await h.op(h.create('notes', label), { device })).status]);
    await attempt('early', 'B');
    await h.advance(1_000);
    await attempt('other-device', 'A');
    await attempt('in-window', 'B');
    await h.advance(1_000);
    await attempt('late', 'B');
    expect(statuses).toEqual([
      ['early', 201],
      ['other-device', 201],
      ['in-window', 500],
      ['late', 201],
    ]);
  });

  test('probability draws from the seeded fault stream: about p of the requests, the same each run', async () => {
    const run = async () => {
      const h = await withRecords(0, { match: { route: 'changes', probability: 0.5 }, fault: { type: '503' } });
      const statuses = [];
      for (let index = 0; index < 200; index++) statuses.push((await h.call('GET', '/changes')).status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
    expect(await run()).toEqual(first);
  });

  test('the first rule that fires decides; disabled or cleared rules never fire', async () => {
    const h = await withRecords(0);
    h.server.addRule({ match: { route: 'changes' }, fault: { type: '412' } });
    h.server.addRule({ match: { route: 'changes' }, fault: { type: '500' } });
    expect((await h.call('GET', '/changes')).status).toBe(412);
    h.server.setFaultsEnabled(false);
    expect((await h.call('GET', '/changes')).status).toBe(200);
    h.server.setFaultsEnabled(true);
    expect((await h.call('GET', '/changes')).status).toBe(412);
    h.server.clearRules();
    expect((await h.call('GET', '/changes')).status).toBe(200);
  });

  test('op faults apply per op inside a batch', async () => {
    const h = await withRecords(2, { match: { route: 'batch', nth: 2 }, fault: { type: 'spurious-409' } });
    const answer = await h.call<BatchResponse>('POST', '/sync/batch', {
      body: { ops: [h.update('notes', 'n0', 1, setTitle('a')), h.update('notes', 'n1', 1, setTitle('b'))] },
    });
    expect(answer.body.results.map((result) => result.status)).toEqual([200, 409]);
  });

  test('an invalid rule throws a message naming the API', () => {
    const h = new Harness();
    expect(() => h.server.addRule({ match: {}, fault: { type: 'short-page', limit: 0 } })).toThrow(
      /\[syncstorm\] ReferenceServer.addRule/,
    );
    expect(() =>
      h.server.addRule({ match: { route: 'nope' }, fault: { type: '500' } } as unknown as ServerFaultRule),
    ).toThrow(/match.route/);
  });
});
