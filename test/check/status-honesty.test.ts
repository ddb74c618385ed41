/**
 * Goal: status-honesty flags a record shown synced that is not a state the server
 * acknowledged (unknown rev, other fields, no answer since), a record or a 0 pending count
 * hiding a write the server has not taken, and stays quiet for honest caution: a lost
 * acknowledgement (pending while the server has it), a refused write, a client without
 * per-record status. Method: hand-made histories of one device.
 */
import { describe, expect, it } from 'vitest';
import { checkStatusHonesty } from '../../src/check/index.ts';
import { local, POLICY, stored, TraceBuilder } from './builder.ts';

const A = { title: 'd1.s1.title' };
const B = { title: 'd1.s2.title' };

/** d1 creates r1 and the server applies it at rev 1; d1 hears back. */
function created(b = new TraceBuilder()): TraceBuilder {
  b.create('d1', 'r1', A);
  b.send('d1', 'q1', '/sync/ops', 'op1');
  b.apply({ device: 'd1', opId: 'op1', id: 'r1', revAfter: 1, fields: A });
  b.receive('d1', 'q1', 201);
  return b;
}

function final(b: TraceBuilder, recordStatus = true): void {
  b.event('sim.final', {
    policy: POLICY,
    capabilities: { conflictInbox: true, recordStatus },
    server: [stored('r1', A, 1)],
    devices: {},
  });
}

describe('status-honesty', () => {
  it('passes a synced record the server acknowledged, and a pending one whose answer was lost', () => {
    const b = created();
    b.view('d1', 'sync-end', [local('r1', A, 1)]);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: B.title }], local('r1', A, 1));
    b.send('d1', 'q2', '/sync/ops', 'op2');
    b.apply({ device: 'd1', opId: 'op2', id: 'r1', revAfter: 2, fields: B });
    b.fail('d1', 'q2');
    b.view('d1', 'sample', [local('r1', B, 1, 'pending')], 1);
    final(b);
    expect(checkStatusHonesty(b.build())).toEqual([]);
  });

  it('flags a record shown synced while its write never reached the server', () => {
    const b = created();
    const write = b.update('d1', 'r1', [{ op: 'set', field: 'title', value: B.title }], local('r1', A, 1));
    b.send('d1', 'q2', '/sync/ops', 'op2');
    b.fail('d1', 'q2');
    const view = b.view('d1', 'sync-end', [local('r1', B, 1)], 1);
    final(b);
    expect(checkStatusHonesty(b.build())).toEqual([
      expect.objectContaining({ invariant: 'status-honesty', device: 'd1', recordId: 'r1', events: [write, view] }),
    ]);
  });

  it('flags synced fields that differ from the rev shown, and a rev the server had not made', () => {
    const b = created();
    const wrong = b.view('d1', 'step', [local('r1', { title: 'other' }, 1)]);
    final(b);
    const apply = b.build().applies[0]?.seq;
    expect(checkStatusHonesty(b.build())[0]).toMatchObject({ recordId: 'r1', events: [apply, wrong] });
    const c = created();
    c.view('d1', 'step', [local('r1', { title: 'd1.s5.title' }, 2)]);
    final(c);
    expect(checkStatusHonesty(c.build())[0]?.message).toContain('had not produced');
  });

  it('flags a synced state made after the last answer the device received', () => {
    const b = new TraceBuilder();
    b.create('d1', 'r1', A);
    b.send('d1', 'q1', '/sync/ops', 'op1');
    b.apply({ device: 'd1', opId: 'op1', id: 'r1', revAfter: 1, fields: A });
    b.fail('d1', 'q1');
    b.view('d1', 'step', [local('r1', A, 1)]);
    final(b);
    expect(checkStatusHonesty(b.build())[0]?.message).toContain('no response reaching the device');
  });

  it('flags a pending count of 0 with a write still open, also for a client without record status', () => {
    for (const recordStatus of [true, false]) {
      const b = created();
      const write = b.update('d1', 'r1', [{ op: 'set', field: 'title', value: B.title }], local('r1', A, 1));
      const view = b.view('d1', 'step', [local('r1', B, 1, 'pending')], 0);
      final(b, recordStatus);
      const found = checkStatusHonesty(b.build());
      expect(found.map((violation) => violation.events)).toContainEqual([write, view]);
    }
  });

  it('accepts fields the server acknowledged under a stale or missing rev (WatermelonDB keeps its rev on push)', () => {
    const b = created();
    b.view('d1', 'step', [local('r1', A, null)]);
    final(b);
    expect(checkStatusHonesty(b.build())).toEqual([]);
  });

  it('ignores record statuses of a client that declares none', () => {
    const b = created();
    b.view('d1', 'step', [local('r1', { title: 'other' }, 7)]);
    final(b, false);
    expect(checkStatusHonesty(b.build())).toEqual([]);
  });

  it('accepts a write the server refused, and one shown as needing review', () => {
    const b = created();
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: B.title }], local('r1', A, 1));
    b.event('server.reject', {
      device: 'd1',
      opId: 'op2',
      status: 409,
      reason: 'stale',
      collection: 'tasks',
      id: 'r1',
    });
    b.view('d1', 'step', [local('r1', A, 1)], 0);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.s9.title' }], local('r1', A, 1));
    b.view('d1', 'step', [local('r1', { title: 'd1.s9.title' }, 1, 'needs-review')], 0);
    final(b);
    expect(checkStatusHonesty(b.build())).toEqual([]);
  });
});
