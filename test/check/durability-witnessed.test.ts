/**
 * Goal: durability blames a kill only for what was lost across it (false alarm 13.5b). A
 * write the client dropped itself after a 409, visible in a view long before the kill, is a
 * no-silent-loss violation and not a durability one; a loss that no view before the kill
 * showed is still durability's; so is a write the client dropped for a server state it
 * adopted (a rev its writer had not seen), even when no view witnessed the drop. Method:
 * hand-made histories where d1's stale edit of r1 is refused with 409 and dropped 66 s
 * before a crash-point kill; assert which checker fires and on which events. Also (RxDB
 * fuzz seed 25): a server-wins client that drops its write after a spurious 409 and shows
 * the server's unchanged record, with no view between the drop and the kill, is not a
 * durability loss; the same history under a manual policy, or with the 409 on another
 * record, still is.
 */
import { describe, expect, it } from 'vitest';
import { checkDurability, checkNoSilentLoss } from '../../src/check/index.ts';
import { COLLECTION, cleanChaos, EDITED, endRun, local, stored } from './builder.ts';

const SHOWN = local('r1', EDITED, 2);
const THEIRS = { ...EDITED, title: 'd2.w6' };

/**
 * d2 edits r1's title (rev 3); d1, still at rev 2, edits the title too; its push is refused
 * with 409. The view after the write (`view`) shows the server's record (d1's handler
 * dropped the write), d1's value still pending, or is not taken. Then a crash-point kill
 * 66 s later; after the restart d1 shows `after`.
 */
function staleEditThenKill(options: { view: 'dropped' | 'mine' | 'none'; after: 'theirs' | 'mine' | 'base' }) {
  const { builder: b } = cleanChaos();
  b.at(50).apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, fields: THEIRS });
  const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
  b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
  b.reject('d1', 'op4', 409);
  b.receive('d1', 'd1#2', 409);
  const shown = { theirs: local('r1', THEIRS, 3), mine: local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending') };
  if (options.view !== 'none') {
    const dropped = options.view === 'dropped';
    b.at(120).view('d1', 'step', [dropped ? shown.theirs : shown.mine], dropped ? 0 : 1);
  }
  const kill = b.at(66_120).kill('d1', 'after-push-before-commit');
  b.at(66_200).restart('d1');
  const after = b.view('d1', 'after-restart', [options.after === 'base' ? SHOWN : shown[options.after]], 0);
  const final = endRun(b, [stored('r1', THEIRS, 3)]);
  return { history: b.build(), write, kill, after, final };
}

describe('durability: a loss must be witnessed across the kill', () => {
  it('does not blame a kill for a write the client had dropped after a 409, 66 s before', () => {
    const { history, write, final } = staleEditThenKill({ view: 'dropped', after: 'theirs' });
    expect(checkDurability(history)).toEqual([]);
    const losses = checkNoSilentLoss(history);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ invariant: 'no-silent-loss', device: 'd1', recordId: 'r1', expected: 'd1.w4' });
    expect(losses[0]?.events).toEqual([write, final]);
  });

  it('still blames the kill when the last view before it showed the write', () => {
    const { history, write, kill, after } = staleEditThenKill({ view: 'mine', after: 'theirs' });
    const violations = checkDurability(history);
    expect(violations.map((violation) => violation.expected)).toEqual(['d1.w4', 'pending > 0']);
    for (const violation of violations) expect(violation.events).toEqual([write, kill, after]);
  });

  it('still blames the kill for an outbox emptied while its request was in flight', () => {
    const { builder: b } = cleanChaos();
    const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
    const mine = local('r1', { ...EDITED, title: 'd1.w4' }, 2);
    b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
    b.at(120).view('d1', 'step', [mine], 0);
    const kill = b.at(130).kill('d1', 'after-push-before-commit');
    b.at(200).restart('d1');
    const after = b.view('d1', 'after-restart', [mine], 0);
    expect(checkDurability(b.build())).toEqual([
      expect.objectContaining({ invariant: 'durability', events: [write, kill, after], expected: 'pending > 0' }),
    ]);
  });

  it('does not blame a kill when the restarted device shows a server state its writer had not seen', () => {
    const adopted = staleEditThenKill({ view: 'none', after: 'theirs' });
    expect(checkDurability(adopted.history)).toEqual([]);
    expect(checkNoSilentLoss(adopted.history).map((violation) => violation.expected)).toEqual(['d1.w4']);
    const rolledBack = staleEditThenKill({ view: 'none', after: 'base' });
    const witnesses = [rolledBack.write, rolledBack.kill, rolledBack.after];
    expect(checkDurability(rolledBack.history).map((violation) => [violation.expected, violation.events])).toEqual([
      ['d1.w4', witnesses],
      ['pending > 0', witnesses],
    ]);
  });
});

/**
 * d1 (at rev 2, as the server) edits r1's title; the server refuses the push with a
 * spurious 409 (naming `refused`) and d1 receives it; no view until a crash-point kill 2 min
 * later; after the restart d1 shows the server's unchanged record and nothing pending.
 */
function spuriousConflictThenKill(policy: 'server-wins' | 'manual', refused = 'r1') {
  const { builder: b } = cleanChaos();
  const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
  b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
  b.event('server.reject', {
    device: 'd1',
    opId: 'op4',
    status: 409,
    reason: 'spurious',
    collection: COLLECTION,
    id: refused,
  });
  b.receive('d1', 'd1#2', 409);
  const kill = b.at(120_000).kill('d1', 'after-pull-before-apply');
  b.at(120_100).restart('d1');
  const after = b.view('d1', 'after-restart', [SHOWN], 0);
  b.at(200_000).event('sim.phase', { phase: 'heal' });
  for (const device of ['d1', 'd2']) b.heal(device);
  b.event('sim.phase', { phase: 'check' });
  const devices = { d1: { records: [SHOWN] }, d2: { records: [SHOWN] } };
  b.final([stored('r1', EDITED, 2)], devices, { default: policy });
  return { history: b.build(), witnesses: [write, kill, after] };
}

describe('durability: a write dropped under server-wins after a 409 (RxDB fuzz seed 25)', () => {
  it('does not blame a later kill for it; no-silent-loss reports the drop', () => {
    const { history } = spuriousConflictThenKill('server-wins');
    expect(checkDurability(history)).toEqual([]);
    expect(checkNoSilentLoss(history).map((violation) => violation.expected)).toEqual(['d1.w4']);
  });

  it('still blames the kill under a manual policy (a 409 must become a conflict, not a drop)', () => {
    const { history, witnesses } = spuriousConflictThenKill('manual');
    expect(checkDurability(history).map((violation) => [violation.expected, violation.events])).toEqual([
      ['d1.w4', witnesses],
      ['pending > 0', witnesses],
    ]);
  });

  it('still blames the kill when the 409 refused an op on another record', () => {
    const { history } = spuriousConflictThenKill('server-wins', 'r2');
    expect(checkDurability(history).map((violation) => violation.expected)).toEqual(['d1.w4', 'pending > 0']);
  });
});
