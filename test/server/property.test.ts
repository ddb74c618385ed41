/**
 * Goal: no request, however malformed, crashes the server or gets anything but a 2xx/4xx
 * answer with a JSON body, and the history stays consistent: per record, the server.apply
 * events form a gapless rev chain (revBefore = previous revAfter, revAfter = revBefore + 1,
 * starting at 0), no op id is applied twice, and the final records match the last apply.
 * Method: fast-check generates sequences of requests (valid-looking and broken ops, batches,
 * raw bodies, random paths, methods and query strings, virtual time steps) and fault rules
 * that answer 2xx/4xx only; each sequence runs against a fresh server.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { settle } from '../../src/kernel/scheduler.ts';
import type { ServerFaultRule } from '../../src/server/index.ts';
import { type Answer, Harness } from './harness.ts';

const field = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('title', 'tags', 'count', 'done') },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'bad field', '9x', 'x'.repeat(70)) },
);
const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null));
const members = fc.array(fc.string({ maxLength: 3 }), { maxLength: 4 });
const patchOp = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant('set'), field, value: scalar }, { noNullPrototype: true }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('add'), field, values: members }, { noNullPrototype: true }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('remove'), field, values: members }, { noNullPrototype: true }) },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        op: fc.constant('inc'),
        field,
        by: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.double() }),
      },
      { noNullPrototype: true },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const opIds = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9', 'o10', 'o11', 'o12'];
const opShape = {
  opId: fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...opIds) },
    { weight: 1, arbitrary: fc.constantFrom('', ' bad') },
  ),
  collection: fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('notes', 'tasks') },
    { weight: 1, arbitrary: fc.string() },
  ),
  id: fc.constantFrom('a', 'b', 'c'),
  kind: fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('create', 'update', 'delete') },
    { weight: 1, arbitrary: fc.string() },
  ),
  baseRev: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, '1', 1.5) },
  ),
  patch: fc.oneof(
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(patchOp, { maxLength: 2 }) },
  ),
};
/** Most generated ops are made plausible: a create without baseRev, a delete without patch. */
const plausibleOp = fc
  .record({ ...opShape, tidy: fc.boolean() }, { noNullPrototype: true })
  .map(({ tidy, ...shape }) => {
    if (!tidy) return shape;
    if (shape.kind === 'create') return { ...shape, baseRev: null };
    if (shape.kind === 'delete') return { ...shape, patch: [] };
    return shape;
  });
const op = fc.oneof(
  { weight: 14, arbitrary: plausibleOp },
  { weight: 1, arbitrary: fc.record(opShape, { requiredKeys: [], noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const device = fc.constantFrom('A', 'B');
const queryValue = fc.constantFrom(
  '',
  'c0',
  'c1',
  'c3',
  'c99',
  'x',
  's0.0',
  's1.1',
  '1767225600000:notes:a',
  'true',
  '2',
  '0',
  '-1',
);
const query = fc
  .array(fc.tuple(fc.constantFrom('since', 'checkpoint', 'cursor', 'limit', 'live', 'junk'), queryValue), {
    maxLength: 3,
  })
  .map((pairs) => pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&'));

const command = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('op' as const),
      device,
      op,
      key: fc.oneof(
        { weight: 12, arbitrary: fc.constant('same') },
        { weight: 1, arbitrary: fc.constantFrom('other', 'none') },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('batch' as const), device, ops: fc.array(op, { maxLength: 4 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('raw' as const),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      path: fc.constantFrom('/sync/ops', '/sync/batch', '/changes', '/snapshot', '/auth/refresh', '/', '/sync/ops/x'),
      body: fc.oneof(fc.string({ maxLength: 30 }), fc.json({ maxDepth: 2 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('get' as const),
      device,
      path: fc.constantFrom('/changes', '/snapshot'),
      query,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
  },
  /** Sends an earlier request again (a retry or a duplicate): replays must answer the same. */
  { weight: 3, arbitrary: fc.record({ type: fc.constant('repeat' as const), back: fc.nat({ max: 5 }) }) },
);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

/** Faults whose answers are 2xx/4xx (5xx are expected from faults, not from the server). */
const rule: fc.Arbitrary<ServerFaultRule> = fc.record(
  {
    match: fc.record({ nth: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: [], noNullPrototype: true }),
    fault: fc.constantFrom<ServerFaultRule['fault']>(
      { type: 'spurious-409' },
      { type: 'concurrent-write' },
      { type: '412' },
      { type: '429', retryAfterS: 1 },
      { type: 'changes-out-of-order' },
      { type: 'short-page', limit: 1 },
      { type: 'overlapping-page' },
      { type: 'write-between-pages' },
      { type: 'checkpoint-tie' },
      { type: 'slow', ms: 100 },
    ),
  },
  { noNullPrototype: true },
);

function start(h: Harness, step: Command): Promise<Answer> | undefined {
  switch (step.type) {
    case 'op': {
      const opId = typeof step.op === 'object' && step.op !== null && 'opId' in step.op ? String(step.op.opId) : 'x';
      const headers: Record<string, string> =
        step.key === 'none' ? {} : { 'Idempotency-Key': step.key === 'same' ? opId : 'other' };
      return h.call('POST', '/sync/ops', { device: step.device, body: step.op, headers });
    }
    case 'batch':
      return h.call('POST', '/sync/batch', { device: step.device, body: { ops: step.ops } });
    case 'raw':
      return h.call(step.method, step.path, { rawBody: step.method === 'GET' ? undefined : step.body });
    case 'get':
      return h.call('GET', `${step.path}?${step.query}`, { device: step.device });
    case 'advance':
    case 'repeat':
      return undefined;
  }
}

function checkHistory(h: Harness): void {
  const revs = new Map<string, number>();
  const applied = new Set<string>();
  for (const event of h.events('server.apply')) {
    const key = `${event.collection}/${event.id}`;
    expect(event.revBefore).toBe(revs.get(key) ?? 0);
    expect(event.revAfter).toBe((event.revBefore as number) + 1);
    revs.set(key, event.revAfter as number);
    expect(applied.has(event.opId as string)).toBe(false);
    applied.add(event.opId as string);
  }
  const last = new Map(h.eventData('server.apply').map((event) => [`${event.collection}/${event.id}`, event]));
  for (const record of h.server.records()) {
    const event = last.get(`${record.collection}/${record.id}`);
    expect(event).toMatchObject({ revAfter: record.rev, deleted: record.deleted, fields: record.fields });
  }
  expect(h.server.records()).toHaveLength(last.size);
}

test('random and malformed requests: no crash, only 2xx/4xx, gapless rev chains', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(command, { minLength: 1, maxLength: 60, size: 'max' }),
      fc.array(rule, { maxLength: 3 }),
      async (steps, rules) => {
        const h = new Harness({ config: { longPollTimeoutMs: 1_000 } });
        for (const name of ['A', 'B']) await h.login(name);
        for (const faultRule of rules) h.server.addRule(faultRule);
        const pending: Array<Promise<Answer>> = [];
        const sent: Command[] = [];
        for (const planned of steps) {
          const step =
            planned.type === 'repeat' ? sent[sent.length - 1 - (planned.back % Math.max(sent.length, 1))] : planned;
          if (step === undefined) continue;
          if (step.type === 'advance') await h.advance(step.ms);
          else sent.push(step);
          const answer = start(h, step);
          if (answer !== undefined) pending.push(answer);
          await settle();
        }
        await h.advance(2_000);
        for (const answer of await Promise.all(pending)) {
          expect(answer.status).toBeGreaterThanOrEqual(200);
          expect(answer.status).toBeLessThan(500);
          expect(answer.headers.get('content-type')).toBe('application/json');
        }
        expect(h.server.longPollsHeld).toBe(0);
        checkHistory(h);
      },
    ),
    { numRuns: 150, seed: 20260101 },
  );
});
