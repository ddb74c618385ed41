/**
 * Goal: no-silent-loss accepts every legitimate end of a committed write (kept, knowingly
 * overwritten, surfaced, declared lossy) and flags each silent one. Method: extend the clean
 * two-device run with one extra write or loss each; assert the invariant, the witnessing
 * seqs, and for lossy policies the declared loss instead of a violation.
 */
import { describe, expect, it } from 'vitest';
import { analyzeLosses, checkNoSilentLoss } from '../../src/check/index.ts';
import type { Conflict } from '../../src/client/contract.ts';
import { CREATED, cleanChaos, cleanRun, EDITED, endRun, local, stored } from './builder.ts';

const STALE = local('r1', CREATED, 1);
const FRESH = local('r1', EDITED, 2);

/** d1, having seen only rev 1, overwrites the title d2 wrote at rev 2. */
function blindOverwrite() {
  const { builder: b, seqs } = cleanChaos();
  seqs.blind = b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w9' }], STALE);
  seqs.apply3 = b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd1.w9' } });
  return { b, seqs, fields: { ...EDITED, title: 'd1.w9' } };
}

const titleConflict: Conflict = {
  id: 'c1',
  collection: 'tasks',
  recordId: 'r1',
  field: 'title',
  local: 'd2.w2',
  remote: 'd1.w9',
};

describe('no-silent-loss', () => {
  it('passes a clean run and counts kept and knowingly overwritten values', () => {
    const history = cleanRun().builder.build();
    expect(checkNoSilentLoss(history)).toEqual([]);
    expect(analyzeLosses(history).outcomes).toEqual({
      kept: 3,
      overwritten: 1,
      surfaced: 0,
      declared: 0,
      lost: 0,
      unknown: 0,
    });
  });

  it('flags a write that never reached the server', () => {
    const { builder: b } = cleanChaos();
    const write = b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w3' }], FRESH);
    const final = endRun(b, [stored('r1', EDITED, 2)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations).toEqual([
      expect.objectContaining({
        invariant: 'no-silent-loss',
        events: [write, final],
        device: 'd1',
        expected: 'd1.w3',
        actual: 'd2.w2',
      }),
    ]);
    expect(violations[0]?.message).toMatch(/never reached the server/);
  });

  it('flags a value overwritten by a writer who had not seen it', () => {
    const { b, seqs, fields } = blindOverwrite();
    const final = endRun(b, [stored('r1', fields, 3)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      invariant: 'no-silent-loss',
      device: 'd2',
      recordId: 'r1',
      expected: 'd2.w2',
      actual: 'd1.w9',
    });
    expect(violations[0]?.events).toEqual([seqs.update, seqs.apply2, seqs.apply3, final]);
    expect(violations[0]?.message).toMatch(/overwritten at rev 3 by d1 \(op op3\)/);
  });

  it('accepts an overwrite whose writer had seen the value, by its fields or by its base rev', () => {
    for (const seen of [FRESH, local('r1', CREATED, 2)]) {
      const { builder: b } = cleanChaos();
      b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w9' }], seen);
      b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd1.w9' } });
      endRun(b, [stored('r1', { ...EDITED, title: 'd1.w9' }, 3)]);
      expect(checkNoSilentLoss(b.build())).toEqual([]);
    }
  });

  it('accepts a server automation write, which sees the current state', () => {
    const { builder: b } = cleanChaos();
    b.apply({ device: 'server', opId: 'auto-1', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'auto.1' } });
    endRun(b, [stored('r1', { ...EDITED, title: 'auto.1' }, 3)]);
    expect(checkNoSilentLoss(b.build())).toEqual([]);
  });

  it('accepts a lost value a device surfaces as a conflict at the end', () => {
    const { b, fields } = blindOverwrite();
    b.final([stored('r1', fields, 3)], {
      d1: { records: [local('r1', fields, 3)] },
      d2: { records: [local('r1', EDITED, 2, 'needs-review')], conflicts: [titleConflict] },
    });
    const history = b.build();
    expect(checkNoSilentLoss(history)).toEqual([]);
    expect(analyzeLosses(history).outcomes.surfaced).toBe(1);
  });

  it('accepts a value the user discarded resolving a conflict, not one the user kept', () => {
    const discarded = blindOverwrite();
    discarded.b.resolve('d2', titleConflict, { choice: 'keep-remote' });
    endRun(discarded.b, [stored('r1', discarded.fields, 3)]);
    expect(checkNoSilentLoss(discarded.b.build())).toEqual([]);
    const kept = blindOverwrite();
    const resolve = kept.b.resolve('d2', titleConflict, { choice: 'keep-local' });
    const final = endRun(kept.b, [stored('r1', kept.fields, 3)]);
    const violations = checkNoSilentLoss(kept.b.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]?.events).toEqual([kept.seqs.update, kept.seqs.apply2, kept.seqs.apply3, final]);
    expect(violations[0]?.events).not.toContain(resolve);
  });

  it('flags values lost to a delete by a writer who had not seen them, not to an informed delete', () => {
    const { builder: b, seqs } = cleanChaos();
    b.remove('d1', 'r1', STALE);
    const deleted = b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
    endRun(b, [stored('r1', EDITED, 3, true)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations.map((violation) => violation.expected)).toEqual(['d2.w2', 'd2.t2']);
    for (const violation of violations) {
      expect(violation).toMatchObject({ invariant: 'no-silent-loss', device: 'd2', actual: 'deleted' });
      expect(violation.events).toEqual(expect.arrayContaining([seqs.update, seqs.apply2, deleted]));
    }
    const informed = cleanChaos().builder;
    informed.remove('d1', 'r1', FRESH);
    informed.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
    endRun(informed, [stored('r1', EDITED, 3, true)]);
    expect(checkNoSilentLoss(informed.build())).toEqual([]);
  });

  it('accepts a write onto a deletion its writer had seen when the record ends deleted', () => {
    const { builder: b } = cleanChaos();
    b.remove('d1', 'r1', FRESH);
    b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: {} });
    b.update('d2', 'r1', [{ op: 'set', field: 'body', value: 'd2.b1' }], local('r1', {}, 3, 'needs-review'));
    endRun(b, [stored('r1', {}, 3, true)]);
    expect(checkNoSilentLoss(b.build())).toEqual([]);
  });

  it("declares a loss under 'lww' when a competing write exists, and fails one without", () => {
    const { builder: b } = cleanChaos();
    const mine = b.update('d1', 'r1', [{ op: 'set', field: 'note', value: 'd1.n1' }], FRESH);
    const theirs = b.update('d2', 'r1', [{ op: 'set', field: 'note', value: 'd2.n2' }], FRESH);
    b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, fields: { ...EDITED, note: 'd1.n1' } });
    b.apply({ device: 'd2', opId: 'op4', id: 'r1', revAfter: 4, fields: { ...EDITED, note: 'd2.n2' } });
    endRun(b, [stored('r1', { ...EDITED, note: 'd2.n2' }, 4)]);
    const history = b.build();
    expect(checkNoSilentLoss(history)).toEqual([]);
    expect(analyzeLosses(history).declaredLosses).toEqual([
      expect.objectContaining({ device: 'd1', field: 'note', policy: 'lww', value: 'd1.n1', events: [mine, theirs] }),
    ]);
    const alone = cleanChaos().builder;
    const write = alone.update('d1', 'r1', [{ op: 'set', field: 'note', value: 'd1.n1' }], FRESH);
    endRun(alone, [stored('r1', EDITED, 2)]);
    const violations = checkNoSilentLoss(alone.build());
    expect(violations).toEqual([expect.objectContaining({ invariant: 'no-silent-loss', expected: 'd1.n1' })]);
    expect(violations[0]?.events[0]).toBe(write);
  });

  it('flags a created record that never reached the server, once, but not one deleted locally', () => {
    const { builder: b } = cleanChaos();
    const create = b.create('d1', 'r2', { title: 'd1.w5', tags: ['d1.t5'] });
    const final = endRun(b, [stored('r1', EDITED, 2)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations).toEqual([
      expect.objectContaining({ invariant: 'no-silent-loss', recordId: 'r2', events: [create, final], device: 'd1' }),
    ]);
    const undone = cleanChaos().builder;
    undone.create('d1', 'r2', { title: 'd1.w5' });
    undone.remove('d1', 'r2', local('r2', { title: 'd1.w5' }, null, 'pending'));
    endRun(undone, [stored('r1', EDITED, 2)]);
    expect(checkNoSilentLoss(undone.build())).toEqual([]);
  });

  it('flags a committed delete that never took effect, unless restored, surfaced or declared', () => {
    const { builder: b } = cleanChaos();
    const remove = b.remove('d1', 'r1', FRESH);
    const final = endRun(b, [stored('r1', EDITED, 2)]);
    expect(checkNoSilentLoss(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-silent-loss',
        device: 'd1',
        events: [remove, final],
        expected: 'deleted',
        actual: 'live',
      }),
    ]);
    const restored = cleanChaos().builder;
    restored.remove('d1', 'r1', FRESH);
    restored.resolve(
      'd1',
      { id: 'c', collection: 'tasks', recordId: 'r1', local: null, remote: EDITED },
      { choice: 'keep-remote' },
    );
    endRun(restored, [stored('r1', EDITED, 2)]);
    expect(checkNoSilentLoss(restored.build())).toEqual([]);
    const surfaced = cleanChaos().builder;
    surfaced.remove('d1', 'r1', FRESH);
    const conflict = { id: 'c', collection: 'tasks', recordId: 'r1', local: null, remote: EDITED };
    surfaced.final([stored('r1', EDITED, 2)], {
      d1: { records: [FRESH], conflicts: [conflict] },
      d2: { records: [FRESH] },
    });
    expect(checkNoSilentLoss(surfaced.build())).toEqual([]);
  });

  it("declares a delete lost to a later concurrent write under an 'lww' default policy", () => {
    const { builder: b } = cleanChaos();
    b.remove('d1', 'r1', FRESH);
    b.apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd2.w9' } });
    const server = stored('r1', { ...EDITED, title: 'd2.w9' }, 3);
    const records = [local('r1', server.fields, 3)];
    b.final([server], { d1: { records }, d2: { records } }, { default: 'lww' });
    const history = b.build();
    expect(checkNoSilentLoss(history)).toEqual([]);
    expect(analyzeLosses(history).declaredLosses).toEqual([
      expect.objectContaining({ device: 'd1', value: 'deleted' }),
    ]);
  });

  it('flags a set element dropped by a writer who had not seen it', () => {
    const { builder: b, seqs } = cleanChaos();
    b.update('d1', 'r1', [{ op: 'add', field: 'tags', values: ['d1.t3'] }], STALE);
    const fields = { ...EDITED, tags: ['d1.t1', 'd1.t3'] };
    const replaced = b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, fields });
    const final = endRun(b, [stored('r1', fields, 3)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations).toEqual([
      expect.objectContaining({
        invariant: 'no-silent-loss',
        expected: 'd2.t2',
        events: [seqs.update, seqs.apply2, replaced, final],
      }),
    ]);
  });

  it('flags a counter below its committed increments unless increments may still be pending', () => {
    const { builder: b, seqs } = cleanChaos();
    const inc = b.update('d1', 'r1', [{ op: 'inc', field: 'likes', by: 1 }], FRESH);
    const final = endRun(b, [stored('r1', EDITED, 2)]);
    const violations = checkNoSilentLoss(b.build());
    expect(violations).toEqual([
      expect.objectContaining({ invariant: 'no-silent-loss', recordId: 'r1', expected: 2, actual: 1 }),
    ]);
    expect(violations[0]?.events).toEqual([seqs.apply1, seqs.update, seqs.apply2, inc, final]);
    const pending = cleanChaos().builder;
    pending.update('d1', 'r1', [{ op: 'inc', field: 'likes', by: 1 }], FRESH);
    pending.final([stored('r1', EDITED, 2)], {
      d1: { records: [local('r1', { ...EDITED, likes: 2 }, 2, 'pending')], pending: 1 },
    });
    expect(checkNoSilentLoss(pending.build())).toEqual([]);
  });

  it('does not judge the values of an interrupted call', () => {
    const { builder: b } = cleanChaos();
    b.interrupted('d1', 'update', { id: 'r1', patch: [{ op: 'set', field: 'title', value: 'd1.w8' }] });
    endRun(b, [stored('r1', EDITED, 2)]);
    const history = b.build();
    expect(checkNoSilentLoss(history)).toEqual([]);
    expect(analyzeLosses(history).outcomes.unknown).toBe(1);
  });

  it('judges nothing without sim.final', () => {
    const { builder: b } = cleanChaos();
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w3' }], FRESH);
    expect(checkNoSilentLoss(b.build())).toEqual([]);
  });
});
