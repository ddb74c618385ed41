/**
 * Goal: durability compares the view after a restart with the view just before a random
 * kill, and judges a crash-point kill by the writes the device had acknowledged. Method:
 * kill d1 after the clean chaos part with hand-made before/after views; one trace per way a
 * restart can lose something; assert the invariant and the witnessing seqs.
 */
import { describe, expect, it } from 'vitest';
import { checkDurability } from '../../src/check/index.ts';
import type { Conflict, LocalRecord } from '../../src/client/contract.ts';
import { cleanChaos, EDITED, local, type TraceBuilder } from './builder.ts';

const SHOWN = local('r1', EDITED, 2);
const conflict: Conflict = { id: 'c1', collection: 'tasks', recordId: 'r1', field: 'title', local: 'a', remote: 'b' };

/** A random kill of d1 with the given before-kill and after-restart views. */
function randomKill(before: LocalRecord[], after: LocalRecord[], pending = [0, 0], conflicts: Conflict[][] = [[], []]) {
  const { builder: b } = cleanChaos();
  const seqs = {
    before: b.at(100).view('d1', 'before-kill', before, pending[0], conflicts[0]),
    kill: b.kill('d1'),
    restart: b.at(200).restart('d1'),
    after: b.view('d1', 'after-restart', after, pending[1], conflicts[1]),
  };
  return { history: b.build(), witnesses: [seqs.before, seqs.kill, seqs.after] };
}

describe('durability: random kill (before-kill view)', () => {
  it('passes when the restarted view equals the view before the kill', () => {
    expect(checkDurability(randomKill([SHOWN], [SHOWN], [1, 1], [[conflict], [conflict]]).history)).toEqual([]);
  });

  it('flags a record gone after the restart', () => {
    const { history, witnesses } = randomKill([SHOWN], []);
    expect(checkDurability(history)).toEqual([
      expect.objectContaining({
        invariant: 'durability',
        device: 'd1',
        recordId: 'r1',
        events: witnesses,
        actual: null,
      }),
    ]);
  });

  it('flags changed fields and a changed rev', () => {
    const { history, witnesses } = randomKill([SHOWN], [local('r1', { ...EDITED, title: 'd1.old' }, 1)]);
    const violations = checkDurability(history);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toMatchObject({
      events: witnesses,
      expected: { title: 'd2.w2' },
      actual: { title: 'd1.old' },
    });
    expect(violations[1]).toMatchObject({ events: witnesses, expected: 2, actual: 1 });
  });

  it('flags a record that appeared, a changed pending count and lost conflicts', () => {
    const extra = local('r9', { title: 'x' }, 1);
    const { history, witnesses } = randomKill([SHOWN], [SHOWN, extra], [2, 0], [[conflict], []]);
    const violations = checkDurability(history);
    expect(violations.map((violation) => [violation.recordId, violation.expected, violation.actual])).toEqual([
      ['r9', null, extra],
      [undefined, 2, 0],
      [undefined, ['tasks/r1#title'], []],
    ]);
    for (const violation of violations) expect(violation.events).toEqual(witnesses);
  });

  it('ignores a before-kill view followed by device activity and judges acknowledged writes instead', () => {
    const { builder: b } = cleanChaos();
    b.at(100).view('d1', 'before-kill', [SHOWN]);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
    b.kill('d1');
    b.restart('d1');
    b.view('d1', 'after-restart', [local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending')], 1);
    expect(checkDurability(b.build())).toEqual([]);
  });

  it('judges nothing when the device was never restarted', () => {
    const { builder: b } = cleanChaos();
    b.view('d1', 'before-kill', [SHOWN]);
    b.kill('d1');
    expect(checkDurability(b.build())).toEqual([]);
  });
});

/** d1 acknowledges `write`, is killed at a crash point, restarts and shows `after`. */
function crashAfter(write: (b: TraceBuilder) => number, after: LocalRecord[], pending: number) {
  const { builder: b } = cleanChaos();
  const written = write(b);
  const kill = b.at(100).kill('d1', 'after-push-before-commit');
  b.at(200).restart('d1');
  const shown = b.view('d1', 'after-restart', after, pending);
  return { b, written, witnesses: [written, kill, shown] };
}

const setTitle = (value: string) => (b: TraceBuilder) =>
  b.update('d1', 'r1', [{ op: 'set', field: 'title', value }], SHOWN);

describe('durability: crash-point kill (acknowledged writes)', () => {
  it('passes when an unsent write is shown and still pending after the restart', () => {
    const { b } = crashAfter(setTitle('d1.w4'), [local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending')], 1);
    expect(checkDurability(b.build())).toEqual([]);
  });

  it('passes when the server replaced the write after it was made and the device pulled that', () => {
    const { b } = crashAfter(
      (builder) => {
        const seq = setTitle('d1.w4')(builder);
        builder.apply({ device: 'd1', opId: 'op3', id: 'r1', revAfter: 3, fields: { ...EDITED, title: 'd1.w4' } });
        builder.apply({ device: 'd2', opId: 'op4', id: 'r1', revAfter: 4, fields: { ...EDITED, title: 'd2.w6' } });
        return seq;
      },
      [local('r1', { ...EDITED, title: 'd2.w6' }, 4)],
      0,
    );
    expect(checkDurability(b.build())).toEqual([]);
  });

  it('flags an acknowledged value missing after the restart', () => {
    const { b, witnesses } = crashAfter(setTitle('d1.w4'), [local('r1', EDITED, 2, 'pending')], 1);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, expected: 'd1.w4', actual: 'd2.w2' }),
    ]);
  });

  it('flags a write the server never applied that is no longer pending', () => {
    const { b, witnesses } = crashAfter(setTitle('d1.w4'), [local('r1', { ...EDITED, title: 'd1.w4' }, 2)], 0);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, expected: 'pending > 0', actual: 0 }),
    ]);
  });

  it('flags an acknowledged delete undone by the restart', () => {
    const { b, witnesses } = crashAfter((builder) => builder.remove('d1', 'r1', SHOWN), [SHOWN], 1);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, expected: null, recordId: 'r1' }),
    ]);
  });

  it('flags a created record gone after the restart', () => {
    const { b, witnesses } = crashAfter((builder) => builder.create('d1', 'r2', { title: 'd1.w5' }), [SHOWN], 1);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, recordId: 'r2', actual: null }),
    ]);
  });

  it('flags an added set element lost by the restart', () => {
    const add = (builder: TraceBuilder) =>
      builder.update('d1', 'r1', [{ op: 'add', field: 'tags', values: ['d1.t4'] }], SHOWN);
    const { b, witnesses } = crashAfter(add, [local('r1', EDITED, 2, 'pending')], 1);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, expected: 'd1.t4' }),
    ]);
  });

  it('does not expect a delete to stay pending once the server holds the record deleted', () => {
    const { b } = crashAfter(
      (builder) => {
        const seq = builder.remove('d1', 'r1', SHOWN);
        builder.apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, deleted: true, fields: {} });
        return seq;
      },
      [],
      0,
    );
    expect(checkDurability(b.build())).toEqual([]);
  });

  it("takes an edit after the device's own delete as taking the delete back", () => {
    const { b } = crashAfter(
      (builder) => {
        builder.remove('d1', 'r1', SHOWN);
        return builder.update(
          'd1',
          'r1',
          [{ op: 'set', field: 'title', value: 'd1.w4' }],
          local('r1', EDITED, 2, 'needs-review'),
        );
      },
      [local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending')],
      1,
    );
    expect(checkDurability(b.build())).toEqual([]);
  });

  it('does not predict whether a record survives a resolution', () => {
    const conflict: Conflict = { id: 'c1', collection: 'tasks', recordId: 'r1', local: null, remote: EDITED };
    const { b } = crashAfter((builder) => builder.resolve('d1', conflict, { choice: 'keep-local' }), [], 1);
    expect(checkDurability(b.build())).toEqual([]);
  });

  it('reports a lost write once, at the first kill that lost it', () => {
    const { b, witnesses } = crashAfter(setTitle('d1.w4'), [local('r1', EDITED, 2, 'pending')], 1);
    b.at(300).kill('d1', 'before-push', 1);
    b.restart('d1', 2);
    b.view('d1', 'after-restart', [local('r1', EDITED, 2, 'pending')], 1);
    expect(checkDurability(b.build()).map((violation) => violation.events)).toEqual([witnesses]);
  });
});
