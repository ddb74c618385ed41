/**
 * Goal: resolutions-honoured flags a resolved conflict that comes back unchanged while the
 * server's record did not change, and a kept value that never reaches the server; it accepts
 * a kept value that reached the server, a newer write by someone else, and keep-remote.
 * Method: hand-made histories around one whole-record conflict (edited here, deleted there).
 */
import { describe, expect, it } from 'vitest';
import { checkResolutionsHonoured } from '../../src/check/index.ts';
import type { Conflict } from '../../src/client/contract.ts';
import { local, stored, TraceBuilder } from './builder.ts';

const KEPT = { title: 'd1.s3.title' };
const CONFLICT: Conflict = { id: 'c1', collection: 'tasks', recordId: 'r1', local: KEPT, remote: null };

/** d2 deleted r1 at rev 2; d1 resolves its edit-versus-delete conflict. */
function resolved(choice: 'keep-local' | 'keep-remote'): TraceBuilder & { resolveSeq: number } {
  const b = new TraceBuilder() as TraceBuilder & { resolveSeq: number };
  b.apply({ device: 'd2', opId: 'op1', id: 'r1', revAfter: 1, fields: { title: 'd2.s1.title' } });
  b.apply({ device: 'd2', opId: 'op2', id: 'r1', revAfter: 2, deleted: true, fields: {} });
  b.view('d1', 'step', [local('r1', KEPT, 2, 'needs-review')], 0, [CONFLICT]);
  b.resolveSeq = b.resolve('d1', CONFLICT, { choice });
  return b;
}

function end(b: TraceBuilder, server = stored('r1', {}, 2, true)): number {
  b.heal('d1');
  return b.final([server], { d1: {} });
}

describe('resolutions-honoured', () => {
  it('passes a kept version that reached the server, and keep-remote', () => {
    const b = resolved('keep-local');
    b.apply({ device: 'd1', opId: 'op3', id: 'r1', kind: 'create', revAfter: 3, fields: KEPT });
    end(b, stored('r1', KEPT, 3));
    expect(checkResolutionsHonoured(b.build())).toEqual([]);
    const c = resolved('keep-remote');
    end(c);
    expect(checkResolutionsHonoured(c.build())).toEqual([]);
  });

  it('flags the same conflict shown again with the server unchanged', () => {
    const b = resolved('keep-local');
    const again = b.view('d1', 'sync-end', [local('r1', KEPT, 2, 'needs-review')], 0, [{ ...CONFLICT, id: 'c2' }]);
    end(b);
    expect(checkResolutionsHonoured(b.build())).toEqual([
      expect.objectContaining({ invariant: 'resolutions-honoured', actual: 'reopened', events: [b.resolveSeq, again] }),
    ]);
  });

  it('accepts the same values again after someone else changed the record', () => {
    const b = resolved('keep-local');
    b.apply({ device: 'd2', opId: 'op4', id: 'r1', kind: 'create', revAfter: 3, fields: { title: 'd2.s5.title' } });
    b.apply({ device: 'd2', opId: 'op5', id: 'r1', revAfter: 4, deleted: true, fields: {} });
    b.view('d1', 'sync-end', [local('r1', KEPT, 4, 'needs-review')], 0, [CONFLICT]);
    end(b, stored('r1', {}, 4, true));
    expect(checkResolutionsHonoured(b.build())).toEqual([]);
  });

  it('flags a kept version dropped without a word', () => {
    const b = resolved('keep-local');
    b.view('d1', 'sync-end', [], 0, []);
    const final = end(b);
    expect(checkResolutionsHonoured(b.build())).toEqual([
      expect.objectContaining({ actual: 'dropped', events: [b.resolveSeq, final], recordId: 'r1' }),
    ]);
  });
});
