/**
 * Goal: the benchmark's numbers for 'none' (and for 'per-record' and 'per-field') are the
 * ones a person derives by hand from the reference client's documented behaviour.
 * Method: a tiny workload (one device, online, calm link: a note created at 1.0 s and its
 * body typed three times at 1.1, 1.2 and 1.3 s), measured through the real simulator; the
 * expected requests, pushes, ops and request bytes are counted below, step by step, from
 * client/reference (autosync.ts, http.ts, push.ts, pull.ts, outbox.ts, coalesce.ts).
 */
import { describe, expect, it } from 'vitest';
import { type BenchWorkload, measure, referenceStrategies } from '../../src/bench/index.ts';
import { plannedEdits, workloadPlan } from '../../src/bench/steps.ts';
import type { Step } from '../../src/sim/index.ts';

const steps: Step[] = [
  { at: 1_000, do: 'create', device: 'd1', collection: 'notes', ref: 'note', fields: ['title'] },
  { at: 1_100, do: 'update', device: 'd1', ref: 'note', ops: [{ op: 'set', field: 'body' }] },
  { at: 1_200, do: 'update', device: 'd1', ref: 'note', ops: [{ op: 'set', field: 'body' }] },
  { at: 1_300, do: 'update', device: 'd1', ref: 'note', ops: [{ op: 'set', field: 'body' }] },
];
const plan = workloadPlan({ devices: ['d1'], steps });
const tiny: BenchWorkload = { name: 'tiny', title: 'Tiny', description: 'hand count', plan, edits: plannedEdits(plan) };

function strategy(name: string) {
  const found = referenceStrategies().find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no strategy ${name}`);
  return found;
}

/** Record ids and op ids are uuid v4 strings: 36 characters each. */
const UUID = 'x'.repeat(36);
const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body));
const op = (kind: string, baseRev: number | null, patch: unknown[]) => ({
  opId: UUID,
  collection: 'notes',
  id: UUID,
  kind,
  baseRev,
  patch,
});
/** The create's patch: initial fields {done: false, likes: 0, title}, one `set` each, keys sorted. */
const createPatch = [
  { op: 'set', field: 'done', value: false },
  { op: 'set', field: 'likes', value: 0 },
  { op: 'set', field: 'title', value: 'd1.s0.title' },
];
/** Step n writes the value `d1.s<n>.body` (sim/fields.ts: writtenValue). */
const typed = (step: number) => ({ op: 'set', field: 'body', value: `d1.s${step}.body` });
/** POST /auth/refresh carries the device id; the two GET /changes carry no body. */
const REFRESH_BYTES = bytes({ deviceId: 'd1' });

describe('hand count of a tiny workload', () => {
  it("'none': 1 refresh + 1 pull at start, then 4 pushes and 1 pull after the debounce = 7 requests", async () => {
    // t=0: the client starts and syncs at once (autosync 'start', delay 0). It has no token,
    //      so `request` first calls POST /auth/refresh (1); the outbox is empty, the pull is
    //      one GET /changes (2) with an empty page (hasMore false).
    // t=1000..1300: four writes, each 100 ms after the previous: each restarts the 250 ms
    //      debounce, so nothing is sent until t=1550. Without coalescing each write is its
    //      own outbox row: create, update, update, update.
    // t=1550: one sync run pushes the rows in order, one POST /sync/ops each (3, 4, 5, 6);
    //      each ack moves the next pending row's baseRev to the new rev (1, 2, 3); then one
    //      GET /changes (7). The token lives 15 minutes and the foreground timer first fires
    //      at 60 s, after the run has converged and ended: no other request.
    const cell = await measure(tiny, strategy('none'), '1');
    expect(cell.flagged).toBe(false);
    expect(cell.metrics.edits).toBe(4);
    expect(cell.metrics.requests).toBe(7);
    expect(cell.metrics.pushRequests).toBe(4);
    expect(cell.metrics.opsApplied).toBe(4);
    expect(cell.metrics.conflicts).toBe(0);
    const pushBytes =
      bytes(op('create', null, createPatch)) +
      bytes(op('update', 1, [typed(1)])) +
      bytes(op('update', 2, [typed(2)])) +
      bytes(op('update', 3, [typed(3)]));
    expect(cell.metrics.requestBytes).toBe(REFRESH_BYTES + pushBytes);
  });

  it("'per-record': the three updates fold into the unsent create: 1 push, 4 requests", async () => {
    // Same timeline; each update is folded into the still-unsent create row (patches
    // concatenated), so the run at t=1550 pushes one create carrying all four writes.
    const cell = await measure(tiny, strategy('per-record'), '1');
    expect(cell.metrics.requests).toBe(4);
    expect(cell.metrics.pushRequests).toBe(1);
    expect(cell.metrics.opsApplied).toBe(1);
    const patch = [...createPatch, typed(1), typed(2), typed(3)];
    expect(cell.metrics.requestBytes).toBe(REFRESH_BYTES + bytes(op('create', null, patch)));
  });

  it("'per-field': as per-record, with the three sets of `body` compacted to the last one", async () => {
    const cell = await measure(tiny, strategy('per-field'), '1');
    expect(cell.metrics.requests).toBe(4);
    expect(cell.metrics.pushRequests).toBe(1);
    expect(cell.metrics.requestBytes).toBe(REFRESH_BYTES + bytes(op('create', null, [...createPatch, typed(3)])));
    // The converged note is the same whatever the strategy: the last typed body wins.
    expect(cell.converged).toEqual([
      { ref: 'note', collection: 'notes', fields: { body: 'd1.s3.body', done: false, likes: 0, title: 'd1.s0.title' } },
    ]);
  });
});
