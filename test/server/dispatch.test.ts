/**
 * Goal: the msw handlers are the server's definition and the fast dispatch paths do not change
 * what the server computes; runs are deterministic.
 * Method: run one script (every route, replays, conflicts, faults, a long-poll) under each
 * dispatch mode and compare answers and trace hashes; call the msw handlers through plain
 * getResponse; repeat a seeded run and compare hashes.
 */
import { getResponse } from 'msw';
import { expect, test } from 'vitest';
import type { DispatchMode } from '../../src/server/dispatch.ts';
import { DEVICE_HEADER, type OpApplied } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

async function script(h: Harness): Promise<unknown[]> {
  h.server.addRule({ match: { route: 'changes', probability: 0.5 }, fault: { type: 'changes-out-of-order' } });
  h.server.addRule({ match: { route: 'op', nth: 2 }, fault: { type: 'concurrent-write' } });
  const answers: unknown[] = [];
  const note = (answer: { status: number; body: unknown }) => answers.push([answer.status, answer.body]);
  for (let index = 0; index < 6; index++)
    note(await h.op(h.create('notes', `n${index}`, [{ op: 'set', field: 'i', value: index }])));
  const update = h.update('notes', 'n1', 1, [{ op: 'add', field: 'tags', values: ['x'] }]);
  note(await h.op(update));
  note(await h.op(update, { device: 'B' }));
  note(await h.op({ ...update, patch: [] }));
  note(
    await h.call('POST', '/sync/batch', {
      body: { ops: [h.remove('notes', 'n2', 1), h.update('tasks', 'nope', 1, [])] },
    }),
  );
  for (let index = 0; index < 4; index++) note(await h.call('GET', `/changes?since=c${index}&limit=3`));
  note(await h.call('GET', '/snapshot?limit=4'));
  note(await h.call('GET', '/nowhere'));
  const poll = h.call<{ changes: unknown[] }>('GET', '/changes?since=c8&live=true', { device: 'B' });
  await h.advance(500);
  note(await h.op(h.update('notes', 'n3', null, [{ op: 'inc', field: 'c', by: 2 }])));
  await h.advance(0);
  const held = await poll;
  expect(held.body.changes).toHaveLength(1);
  expect(h.events('server.apply').filter((event) => event.device === 'server')).toHaveLength(1);
  note(held);
  return answers;
}

test('every dispatch mode gives the same answers and the byte-identical trace', async () => {
  const results: Array<{ mode: DispatchMode; answers: unknown[]; hash: string }> = [];
  for (const mode of ['direct', 'one-handler', 'all-handlers'] as const) {
    const h = new Harness({ dispatch: mode });
    const answers = await script(h);
    results.push({ mode, answers, hash: h.trace.hash() });
  }
  const [direct, ...others] = results;
  expect(direct?.answers.length).toBeGreaterThan(15);
  for (const other of others) {
    expect(other.answers).toEqual(direct?.answers);
    expect(other.hash).toBe(direct?.hash);
  }
});

test('the same seed gives the same trace; another seed changes the fault draws', async () => {
  const hashes = [];
  for (const seed of ['one', 'one', 'two']) {
    const h = new Harness({ seed });
    await script(h);
    hashes.push(h.trace.hash());
  }
  expect(hashes[1]).toBe(hashes[0]);
  expect(hashes[2]).not.toBe(hashes[0]);
});

test('the msw handlers answer through plain getResponse, with the device from its header', async () => {
  const h = new Harness();
  const token = await h.login('Z');
  const request = new Request('http://anywhere.example/sync/ops', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k1', [DEVICE_HEADER]: 'Z' },
    body: JSON.stringify({ opId: 'k1', collection: 'notes', id: 'n1', kind: 'create', baseRev: null, patch: [] }),
  });
  const response = await getResponse(h.server.handlers, request);
  if (response === undefined) throw new Error('no msw handler matched');
  expect(response.status).toBe(201);
  expect(((await response.json()) as OpApplied).record?.rev).toBe(1);
  expect(h.eventData('server.apply')[0]).toMatchObject({ device: 'Z', opId: 'k1' });
  expect(h.server.handlers).toHaveLength(5);
  const elsewhere = await getResponse(h.server.handlers, new Request('http://anywhere.example/api/changes'));
  expect(elsewhere).toBeUndefined();
});
