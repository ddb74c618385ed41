/**
 * Goal: no-resurrection flags a record that comes back after a delete by a writer who had
 * seen its latest state, on the server or on a device, and accepts restores by a user,
 * automation writes, surfaced conflicts and uninformed (concurrent) deletes. Method: delete
 * r1 after the clean chaos part and add one revival each; assert the witnessing seqs.
 */
import { describe, expect, it } from 'vitest';
import { checkNoResurrection } from '../../src/check/index.ts';
import type { Conflict } from '../../src/client/contract.ts';
import { CREATED, cleanChaos, EDITED, endRun, local, stored, TraceBuilder } from './builder.ts';

const FRESH = local('r1', EDITED, 2);
const deleteConflict: Conflict = { id: 'c1', collection: 'tasks', recordId: 'r1', local: EDITED, remote: null };

/** d1 deletes r1 having seen rev 2 (the latest), and the server applies it at rev 3. */
function informedDelete(applied = true) {
  const { builder: b } = cleanChaos();
  const seqs: Record<string, number> = { remove: b.remove('d1', 'r1', FRESH) };
  if (applied)
    seqs.deleted = b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
  return { b, seqs };
}

describe('no-resurrection', () => {
  it('passes a record that stays deleted', () => {
    const { b } = informedDelete();
    endRun(b, [stored('r1', EDITED, 3, true)]);
    expect(checkNoResurrection(b.build())).toEqual([]);
  });

  it('flags a revival on the server after the delete, with no restore', () => {
    const { b, seqs } = informedDelete();
    const revived = b.apply({
      device: 'd2',
      opId: 'op4',
      id: 'r1',
      revAfter: 4,
      fields: { ...EDITED, title: 'd2.w7' },
    });
    endRun(b, [stored('r1', { ...EDITED, title: 'd2.w7' }, 4)]);
    expect(checkNoResurrection(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-resurrection',
        device: 'd2',
        recordId: 'r1',
        events: [seqs.remove, seqs.deleted, revived],
      }),
    ]);
  });

  it('flags a delete that never reached the server (the record stays live)', () => {
    const { b, seqs } = informedDelete(false);
    const final = endRun(b, [stored('r1', EDITED, 2)]);
    expect(checkNoResurrection(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-resurrection',
        device: 'd1',
        events: [seqs.remove, final],
        actual: 'live',
      }),
    ]);
  });

  it('flags a device still showing the record while the server holds it deleted', () => {
    const { b, seqs } = informedDelete();
    const final = b.final([stored('r1', EDITED, 3, true)], { d1: { records: [] }, d2: { records: [FRESH] } });
    expect(checkNoResurrection(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-resurrection',
        device: 'd2',
        events: [seqs.remove, seqs.deleted, final],
        actual: 'shown',
      }),
    ]);
  });

  it('flags a device that stopped showing the deleted record and then showed it again', () => {
    const { b, seqs } = informedDelete();
    b.view('d2', 'step', []);
    const again = b.view('d2', 'step', [local('r1', EDITED, 2)]);
    endRun(b, [stored('r1', EDITED, 3, true)]);
    expect(checkNoResurrection(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-resurrection',
        device: 'd2',
        events: [seqs.remove, seqs.deleted, again],
      }),
    ]);
    const listed = informedDelete();
    listed.b.view('d2', 'step', []);
    listed.b.view('d2', 'step', [local('r1', EDITED, 2, 'needs-review')], 0, [deleteConflict]);
    endRun(listed.b, [stored('r1', EDITED, 3, true)]);
    expect(checkNoResurrection(listed.b.build())).toEqual([]);
  });

  it('flags a device reviving a record that server automation deleted', () => {
    const { builder: b } = cleanChaos();
    const deleted = b.apply({ device: 'server', opId: 'auto-1', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
    const revived = b.apply({ device: 'd2', opId: 'op4', id: 'r1', revAfter: 4, fields: EDITED });
    endRun(b, [stored('r1', EDITED, 4)]);
    expect(checkNoResurrection(b.build())).toEqual([
      expect.objectContaining({ invariant: 'no-resurrection', events: [deleted, revived] }),
    ]);
  });

  it('accepts a revival after a user resolved the conflict, and a conflict still listed', () => {
    const restored = informedDelete();
    restored.b.resolve('d2', deleteConflict, { choice: 'keep-local' });
    restored.b.apply({ device: 'd2', opId: 'op4', id: 'r1', kind: 'create', revAfter: 4, fields: EDITED });
    endRun(restored.b, [stored('r1', EDITED, 4)]);
    expect(checkNoResurrection(restored.b.build())).toEqual([]);
    const listed = informedDelete(false);
    listed.b.final([stored('r1', EDITED, 2)], {
      d1: { records: [] },
      d2: { records: [local('r1', EDITED, 2, 'needs-review')], conflicts: [deleteConflict] },
    });
    expect(checkNoResurrection(listed.b.build())).toEqual([]);
  });

  it('accepts a revival by a user who edited the record from a view based on the deletion', () => {
    const { b } = informedDelete();
    b.update('d2', 'r1', [{ op: 'set', field: 'title', value: 'd2.w8' }], local('r1', EDITED, 3, 'needs-review'));
    b.apply({
      device: 'd2',
      opId: 'op4',
      id: 'r1',
      kind: 'create',
      revAfter: 4,
      fields: { ...EDITED, title: 'd2.w8' },
    });
    endRun(b, [stored('r1', { ...EDITED, title: 'd2.w8' }, 4)]);
    expect(checkNoResurrection(b.build())).toEqual([]);
  });

  it("accepts a revival after the deleter's own device edited the record again", () => {
    const { b } = informedDelete(false);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w8' }], local('r1', EDITED, 2, 'needs-review'));
    b.apply({ device: 'd1', opId: 'op4', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd1.w8' } });
    endRun(b, [stored('r1', { ...EDITED, title: 'd1.w8' }, 3)]);
    expect(checkNoResurrection(b.build())).toEqual([]);
  });

  it('accepts a revival when the deleter had not seen the latest state', () => {
    const { builder: b } = cleanChaos();
    b.remove('d1', 'r1', local('r1', CREATED, 1));
    b.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: EDITED });
    b.apply({ device: 'd2', opId: 'op4', id: 'r1', revAfter: 4, fields: EDITED });
    endRun(b, [stored('r1', EDITED, 4)]);
    expect(checkNoResurrection(b.build())).toEqual([]);
  });

  it('accepts a concurrent edit landing between the delete and its application', () => {
    const b = new TraceBuilder();
    b.apply({ device: 'd1', opId: 'op1', id: 'r1', revAfter: 1, fields: CREATED });
    b.remove('d1', 'r1', local('r1', CREATED, 1));
    b.apply({ device: 'd2', opId: 'op2', id: 'r1', revAfter: 2, fields: EDITED });
    endRun(b, [stored('r1', EDITED, 2)]);
    expect(checkNoResurrection(b.build())).toEqual([]);
  });
});
