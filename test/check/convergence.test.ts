/**
 * Goal: convergence compares every device's final records with the server's live records,
 * skipping contested records, and requires an empty outbox. Method: the clean run's end
 * state with one difference each; assert the invariant, device and witnessing seqs.
 */
import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../src/check/index.ts';
import type { Conflict } from '../../src/client/contract.ts';
import { cleanChaos, cleanRun, EDITED, local, stored } from './builder.ts';

const SHOWN = local('r1', EDITED, 2);
const SERVER = stored('r1', EDITED, 2);

function ending(devices: Parameters<ReturnType<typeof cleanChaos>['builder']['final']>[1], server = [SERVER]) {
  const { builder: b, seqs } = cleanChaos();
  const final = b.final(server, devices);
  return { history: b.build(), final, lastApply: seqs.apply2 };
}

describe('convergence', () => {
  it('passes the clean run', () => {
    expect(checkConvergence(cleanRun().builder.build())).toEqual([]);
  });

  it('flags a device missing a live record', () => {
    const { history, final, lastApply } = ending({ d1: { records: [SHOWN] }, d2: { records: [] } });
    expect(checkConvergence(history)).toEqual([
      expect.objectContaining({
        invariant: 'convergence',
        device: 'd2',
        recordId: 'r1',
        events: [lastApply, final],
        actual: null,
      }),
    ]);
  });

  it('flags a device showing a record the server deleted', () => {
    const { history } = ending({ d1: { records: [SHOWN] } }, [stored('r1', EDITED, 3, true)]);
    const violations = checkConvergence(history);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(/deleted on the server/);
  });

  it('flags differing fields, naming them', () => {
    const { history } = ending({ d1: { records: [local('r1', { ...EDITED, tags: ['d1.t1'] }, 2)] } });
    expect(checkConvergence(history)).toEqual([
      expect.objectContaining({
        invariant: 'convergence',
        expected: { tags: ['d1.t1', 'd2.t2'] },
        actual: { tags: ['d1.t1'] },
      }),
    ]);
  });

  it('compares sets regardless of order', () => {
    const { history } = ending({ d1: { records: [local('r1', { ...EDITED, tags: ['d2.t2', 'd1.t1'] }, 2)] } });
    expect(checkConvergence(history)).toEqual([]);
  });

  it('flags ops still pending after heal', () => {
    const { history, final } = ending({ d1: { records: [SHOWN], pending: 2 } });
    expect(checkConvergence(history)).toEqual([
      expect.objectContaining({ invariant: 'convergence', device: 'd1', events: [final], expected: 0, actual: 2 }),
    ]);
  });

  it('skips records the device lists as conflicts', () => {
    const conflict: Conflict = {
      id: 'c',
      collection: 'tasks',
      recordId: 'r1',
      field: 'title',
      local: 'x',
      remote: 'd2.w2',
    };
    const { history } = ending({ d1: { records: [local('r1', { ...EDITED, title: 'x' }, 2)], conflicts: [conflict] } });
    expect(checkConvergence(history)).toEqual([]);
  });

  it('ignores server records of collections no user or device deals with', () => {
    const other = { ...stored('x1', { a: 1 }, 1), collection: 'audit' };
    const { history } = ending({ d1: { records: [SHOWN] } }, [SERVER, other]);
    expect(checkConvergence(history)).toEqual([]);
  });

  it('flags a run without sim.final', () => {
    const { builder: b } = cleanChaos();
    const violations = checkConvergence(b.build());
    expect(violations).toEqual([expect.objectContaining({ invariant: 'convergence', events: [b.trace().length - 1] })]);
  });
});
