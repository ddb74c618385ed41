/**
 * Goal: no-duplicates flags every way one write can count twice, and nothing in a clean run.
 * Method: extend the clean two-device run (or build a minimal trace) with one duplicate each
 * (an op applied twice, a live record created again, one create landing as two records, a
 * view listing a record twice or one value in two records, an over-counted counter) and
 * assert the invariant name and the witnessing seqs.
 */
import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/check/history.ts';
import { checkNoDuplicates } from '../../src/check/index.ts';
import { viewDuplicates } from '../../src/check/invariants/no-duplicates.ts';
import type { LocalRecord } from '../../src/client/contract.ts';
import { deepFreeze } from '../../src/kernel/frozen.ts';
import { Rng } from '../../src/kernel/rng.ts';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { cleanChaos, cleanRun, EDITED, endRun, local, stored, TraceBuilder } from './builder.ts';

describe('no-duplicates', () => {
  it('passes a clean run with a replayed op', () => {
    const { builder } = cleanRun();
    builder.replay('d1', 'op1', 'r1');
    expect(checkNoDuplicates(builder.build())).toEqual([]);
  });

  it('flags an op applied twice (not replayed)', () => {
    const b = new TraceBuilder();
    const first = b.apply({
      device: 'd1',
      opId: 'op1',
      id: 'r1',
      kind: 'update',
      revBefore: 1,
      revAfter: 2,
      fields: { n: 'x' },
    });
    const second = b.apply({
      device: 'd1',
      opId: 'op1',
      id: 'r1',
      kind: 'update',
      revBefore: 2,
      revAfter: 3,
      fields: { n: 'x' },
    });
    const [violation, ...rest] = checkNoDuplicates(b.build());
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ invariant: 'no-duplicates', events: [first, second], recordId: 'r1', actual: 2 });
  });

  it('flags a live record created again under another op id, but not a create on a tombstone', () => {
    const b = new TraceBuilder();
    const first = b.apply({ device: 'd1', opId: 'op1', id: 'r1', kind: 'create', revAfter: 1, fields: {} });
    const again = b.apply({ device: 'd1', opId: 'op2', id: 'r1', kind: 'create', revAfter: 2, fields: {} });
    b.apply({ device: 'd2', opId: 'op3', id: 'r1', deleted: true, revAfter: 3, fields: {} });
    b.apply({ device: 'd1', opId: 'op4', id: 'r1', kind: 'create', revAfter: 4, fields: {} });
    const violations = checkNoDuplicates(b.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'no-duplicates', events: [first, again], device: 'd1' });
  });

  it('flags one user.create that became two server records (a server-assigned id)', () => {
    const b = new TraceBuilder();
    const create = b.create('d1', 'r1', { title: 'd1.w1' });
    const firstApply = b.apply({ device: 'd1', opId: 'op1', id: 'srv-1', revAfter: 1, fields: { title: 'd1.w1' } });
    const secondApply = b.apply({ device: 'd1', opId: 'op2', id: 'srv-2', revAfter: 1, fields: { title: 'd1.w1' } });
    const violations = checkNoDuplicates(b.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'no-duplicates', events: [create, firstApply, secondApply] });
    expect(violations[0]?.actual).toEqual(['tasks/srv-1', 'tasks/srv-2']);
  });

  it('flags a view that lists one record twice', () => {
    const b = new TraceBuilder();
    const view = b.view('d1', 'step', [local('r1', { title: 'a' }, 1), local('r1', { title: 'a' }, 1)]);
    const violations = checkNoDuplicates(b.build());
    expect(violations).toEqual([
      expect.objectContaining({ invariant: 'no-duplicates', events: [view], recordId: 'r1' }),
    ]);
  });

  it("flags a view that shows one write's value in two records", () => {
    const b = new TraceBuilder();
    b.create('d1', 'r1', { title: 'd1.w1' });
    const view = b.view('d1', 'step', [local('r1', { title: 'd1.w1' }, null), local('tmp-9', { title: 'd1.w1' }, 1)]);
    const violations = checkNoDuplicates(b.build());
    expect(violations).toEqual([
      expect.objectContaining({ invariant: 'no-duplicates', events: [view], actual: ['tasks/r1', 'tasks/tmp-9'] }),
    ]);
  });

  it('flags a counter above the sum of its increments', () => {
    const { builder: b, seqs } = cleanChaos();
    const fields = { ...EDITED, likes: 2 };
    const twice = b.apply({ device: 'd2', opId: 'op2-retry', id: 'r1', revAfter: 3, fields });
    const final = endRun(b, [stored('r1', fields, 3)]);
    const violations = checkNoDuplicates(b.build());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'no-duplicates', recordId: 'r1', expected: 1, actual: 2 });
    expect(violations[0]?.events).toEqual([seqs.apply1, seqs.update, seqs.apply2, twice, final]);
  });

  it('lets an interrupted increment raise the counter bound', () => {
    const b = new TraceBuilder();
    b.create('d1', 'r1', { likes: 0 });
    b.update('d1', 'r1', [{ op: 'inc', field: 'likes', by: 1 }], local('r1', { likes: 0 }, null, 'pending'));
    b.interrupted('d1', 'update', { id: 'r1', patch: [{ op: 'inc', field: 'likes', by: 1 }] });
    b.apply({ device: 'd1', opId: 'op1', id: 'r1', revAfter: 1, fields: { likes: 2 } });
    b.final([stored('r1', { likes: 2 }, 1)], { d1: { records: [local('r1', { likes: 2 }, 1)] } });
    expect(checkNoDuplicates(b.build())).toEqual([]);
  });
});

describe('no-duplicates on views, looking at each shared record once', () => {
  // Goal: skipping the views that can have no duplicate (every key once, no record claiming a
  // value another key claims) finds exactly what walking every view finds. Method: drawn
  // views of three devices made of shared frozen records (as the trace keeps a client's
  // shared records), some listing a record twice, some records claiming the same value under
  // other keys, in the same view or only in different ones; compare with viewDuplicates of
  // every view.
  it('finds what walking every view finds, for drawn views', () => {
    const rng = new Rng('no-duplicates-views');
    let found = 0;
    for (let round = 0; round < 300; round++) {
      const pool = Array.from({ length: 6 }, (_, index) =>
        deepFreeze(
          local(`r${index % 4}`, { title: `v${rng.int(0, 8)}`, tags: [`t${rng.int(0, 12)}`, `v${rng.int(0, 30)}`] }, 1),
        ),
      );
      const events: TraceEvent[] = [];
      for (let index = 0; index < 12; index++) {
        const records = pool.filter(() => rng.next() < 0.4);
        if (rng.next() < 0.1 && records.length > 0) records.push(records[0] as LocalRecord);
        events.push({
          seq: index,
          t: index,
          type: 'device.view',
          device: `d${rng.int(1, 3)}`,
          reason: 'step',
          records: records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
          pending: 0,
          conflicts: [],
        });
      }
      const history = buildHistory(events);
      const everyView = [...history.byDevice.values()].flatMap((device) => device.views).flatMap(viewDuplicates);
      expect(checkNoDuplicates(history)).toEqual(everyView);
      found += everyView.length;
    }
    expect(found).toBeGreaterThan(100);
  });
});
