/**
 * Goal: the 'server-wins' field policy and the 'delete-wins' delete policy are judged as
 * declared. A write lost to a server state its writer had not seen (server-wins), or to a
 * concurrent delete (delete-wins), is a counted declared loss naming the event it lost to;
 * a loss the policy does not explain is still a no-silent-loss violation; and the other
 * invariants (no-resurrection, convergence, durability) still hold on those runs. Method:
 * hand-made two-device histories after the clean chaos part (r1 at rev 2 on both devices);
 * each is judged under the lossy policy and under 'manual' as a control.
 */
import { describe, expect, it } from 'vitest';
import { checkAll } from '../../src/check/index.ts';
import type { MergePolicy } from '../../src/client/contract.ts';
import { cleanChaos, EDITED, local, stored, type TraceBuilder } from './builder.ts';

const SHOWN = local('r1', EDITED, 2);
const SERVER_WINS: MergePolicy = { default: 'server-wins' };
const DELETE_WINS: MergePolicy = { default: 'lww', deletes: 'delete-wins' };
const MANUAL: MergePolicy = { default: 'manual' };

/** Heal (drained, not nudged) and sim.final with both devices showing the server's live records. */
function finish(b: TraceBuilder, server: ReturnType<typeof stored>[], policy: MergePolicy): number {
  b.at(1_000).event('sim.phase', { phase: 'heal' });
  b.heal('d1');
  b.heal('d2');
  b.event('sim.phase', { phase: 'check' });
  const records = server
    .filter((record) => !record.deleted)
    .map((record) => local(record.id, record.fields, record.rev));
  return b.final(server, { d1: { records }, d2: { records } }, policy);
}

/** d1 edits r1's title from rev 2; its push is refused (409) and dropped. `before` runs first (d2's concurrent change). */
function droppedEdit(
  policy: MergePolicy,
  before: (b: TraceBuilder) => number | undefined,
  end: ReturnType<typeof stored>,
) {
  const { builder: b } = cleanChaos();
  const winner = before(b);
  const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
  b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
  b.reject('d1', 'op4', 409);
  b.receive('d1', 'd1#2', 409);
  const final = finish(b, [end], policy);
  return { result: checkAll(b.build()), write, winner, final };
}

/** No violation, and one declared loss: d1's title write under `policy`, naming the write and the event that won. */
function expectOneDeclaredLoss(run: ReturnType<typeof droppedEdit>, policy: string): void {
  expect(run.result.violations).toEqual([]);
  expect(run.result.declaredLosses).toEqual([
    expect.objectContaining({ device: 'd1', recordId: 'r1', field: 'title', policy, value: 'd1.w4' }),
  ]);
  expect(run.result.declaredLosses[0]?.events).toEqual([run.write, run.winner]);
}

const D2_DONE = { ...EDITED, done: true };
const d2SetsDone = (b: TraceBuilder) =>
  b.at(50).apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, fields: D2_DONE });
const d2Deletes = (b: TraceBuilder) => {
  b.at(50).remove('d2', 'r1', SHOWN);
  return b.apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
};

describe("'server-wins'", () => {
  it('declares a write dropped because the server held a change of another field the writer had not seen', () => {
    expectOneDeclaredLoss(droppedEdit(SERVER_WINS, d2SetsDone, stored('r1', D2_DONE, 3)), 'server-wins');
  });

  it('declares a write dropped because the server held the record deleted', () => {
    const { result } = droppedEdit(SERVER_WINS, d2Deletes, stored('r1', EDITED, 3, true));
    expect(result.violations).toEqual([]);
    expect(result.declaredLosses.map((loss) => loss.policy)).toEqual(['server-wins']);
  });

  it('is a violation under manual, the same history', () => {
    const { result, write, final } = droppedEdit(MANUAL, d2SetsDone, stored('r1', D2_DONE, 3));
    expect(result.declaredLosses).toEqual([]);
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 'no-silent-loss', device: 'd1', expected: 'd1.w4', events: [write, final] }),
    ]);
  });

  it('does not explain a write dropped with no concurrent change (a spurious 409)', () => {
    const { result } = droppedEdit(SERVER_WINS, () => undefined, stored('r1', EDITED, 2));
    expect(result.declaredLosses).toEqual([]);
    // This hand-made 409 names no record, so status-honesty also sees the write as still open.
    const invariants = result.violations.map((violation) => violation.invariant);
    expect(invariants.filter((name) => name !== 'status-honesty')).toEqual(['no-silent-loss']);
  });

  it('does not explain a write the server took and an unseeing writer replaced later', () => {
    const { builder: b } = cleanChaos();
    b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
    b.apply({ device: 'd1', opId: 'op4', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd1.w4' } });
    b.at(120).update('d2', 'r1', [{ op: 'set', field: 'title', value: 'd2.w5' }], SHOWN);
    b.apply({ device: 'd2', opId: 'op5', id: 'r1', revAfter: 4, fields: { ...EDITED, title: 'd2.w5' } });
    finish(b, [stored('r1', { ...EDITED, title: 'd2.w5' }, 4)], SERVER_WINS);
    const result = checkAll(b.build());
    expect(result.declaredLosses).toEqual([]);
    expect(result.violations).toEqual([expect.objectContaining({ invariant: 'no-silent-loss', expected: 'd1.w4' })]);
  });

  it('declares a delete dropped because the server held a change the deleter had not seen', () => {
    const { builder: b } = cleanChaos();
    const winner = d2SetsDone(b);
    b.at(100).remove('d1', 'r1', SHOWN);
    b.reject('d1', 'op4', 409);
    finish(b, [stored('r1', D2_DONE, 3)], SERVER_WINS);
    const result = checkAll(b.build());
    expect(result.violations).toEqual([]);
    expect(result.declaredLosses).toEqual([
      expect.objectContaining({ device: 'd1', field: '(record)', policy: 'server-wins', value: 'deleted' }),
    ]);
    expect(result.declaredLosses[0]?.events).toContain(winner);
  });
});

describe("'delete-wins'", () => {
  it('declares an edit destroyed by a concurrent delete; the record stays deleted everywhere', () => {
    expectOneDeclaredLoss(droppedEdit(DELETE_WINS, d2Deletes, stored('r1', EDITED, 3, true)), 'delete-wins');
  });

  it('is a violation without the delete policy (manual), the same history', () => {
    const { result } = droppedEdit(MANUAL, d2Deletes, stored('r1', EDITED, 3, true));
    expect(result.declaredLosses).toEqual([]);
    expect(result.violations.map((violation) => violation.invariant)).toEqual(['no-silent-loss']);
  });

  it('does not explain an edit lost while the record lives on', () => {
    const { result } = droppedEdit({ default: 'manual', deletes: 'delete-wins' }, d2SetsDone, stored('r1', D2_DONE, 3));
    expect(result.declaredLosses).toEqual([]);
    expect(result.violations.map((violation) => violation.invariant)).toEqual(['no-silent-loss']);
  });

  it('never lets a concurrent edit undo a delete (declared under plain lww)', () => {
    const run = (policy: MergePolicy) => {
      const { builder: b } = cleanChaos();
      b.at(100).remove('d1', 'r1', SHOWN);
      b.update('d2', 'r1', [{ op: 'set', field: 'title', value: 'd2.w5' }], SHOWN);
      b.apply({ device: 'd2', opId: 'op5', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd2.w5' } });
      b.reject('d1', 'op4', 409);
      finish(b, [stored('r1', { ...EDITED, title: 'd2.w5' }, 3)], policy);
      return checkAll(b.build());
    };
    const lww = run({ default: 'lww' });
    expect(lww.violations).toEqual([]);
    expect(lww.declaredLosses.map((loss) => loss.policy)).toEqual(['lww']);
    const deleteWins = run(DELETE_WINS);
    expect(deleteWins.declaredLosses).toEqual([]);
    expect(deleteWins.violations).toEqual([
      expect.objectContaining({ invariant: 'no-silent-loss', device: 'd1', expected: 'deleted' }),
    ]);
  });
});
