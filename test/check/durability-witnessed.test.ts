/**
 * Goal: durability blames a kill only for what was lost across it (false alarm 13.5b). A
 * write the client dropped itself after a 409, visible in a view long before the kill, is a
 * no-silent-loss violation and not a durability one; a loss that no view before the kill
 * showed is still durability's; so is a write the client dropped for a server state it
 * adopted (a rev its writer had not seen), even when no view witnessed the drop. Method:
 * hand-made histories where d1's stale edit of r1 is refused with 409 and dropped 66 s
 * before a crash-point kill; assert which checker fires and on which events.
 */
import { describe, expect, it } from 'vitest';
import { checkDurability, checkNoSilentLoss } from '../../src/check/index.ts';
import { cleanChaos, EDITED, endRun, local, stored } from './builder.ts';

const SHOWN = local('r1', EDITED, 2);
const THEIRS = { ...EDITED, title: 'd2.w6' };

/**
 * d2 edits r1's title (rev 3); d1, still at rev 2, edits the title too; its push is refused
 * with 409. `dropped`: d1's conflict handler keeps the server's record (a view shows it), or
 * else the view after the write still shows d1's value. Then a crash-point kill 66 s later.
 */
function staleEditThenKill(options: { dropped: boolean; after: 'theirs' | 'mine' }) {
  const { builder: b } = cleanChaos();
  b.at(50).apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, fields: THEIRS });
  const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
  b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
  b.reject('d1', 'op4', 409);
  b.receive('d1', 'd1#2', 409);
  const mine = local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending');
  const dropView = b
    .at(120)
    .view('d1', 'step', options.dropped ? [local('r1', THEIRS, 3)] : [mine], options.dropped ? 0 : 1);
  const kill = b.at(66_120).kill('d1', 'after-push-before-commit');
  b.at(66_200).restart('d1');
  const after = b.view('d1', 'after-restart', [options.after === 'theirs' ? local('r1', THEIRS, 3) : mine], 0);
  const final = endRun(b, [stored('r1', THEIRS, 3)]);
  return { history: b.build(), write, dropView, kill, after, final };
}

describe('durability: a loss must be witnessed across the kill', () => {
  it('does not blame a kill for a write the client had dropped after a 409, 66 s before', () => {
    const { history, write, final } = staleEditThenKill({ dropped: true, after: 'theirs' });
    expect(checkDurability(history)).toEqual([]);
    const losses = checkNoSilentLoss(history);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ invariant: 'no-silent-loss', device: 'd1', recordId: 'r1', expected: 'd1.w4' });
    expect(losses[0]?.events).toEqual([write, final]);
  });

  it('still blames the kill when the last view before it showed the write', () => {
    const { history, write, kill, after } = staleEditThenKill({ dropped: false, after: 'theirs' });
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
    const run = (shownAfter: ReturnType<typeof local>) => {
      const { builder: b } = cleanChaos();
      b.at(50).apply({ device: 'd2', opId: 'op3', id: 'r1', revAfter: 3, fields: THEIRS });
      const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], SHOWN);
      b.at(110).send('d1', 'd1#2', '/sync/ops', 'op4');
      b.reject('d1', 'op4', 409);
      b.receive('d1', 'd1#2', 409);
      const kill = b.at(66_120).kill('d1', 'before-push');
      b.at(66_200).restart('d1');
      const after = b.view('d1', 'after-restart', [shownAfter], 0);
      endRun(b, [stored('r1', THEIRS, 3)]);
      return { history: b.build(), witnesses: [write, kill, after] };
    };
    const adopted = run(local('r1', THEIRS, 3));
    expect(checkDurability(adopted.history)).toEqual([]);
    expect(checkNoSilentLoss(adopted.history).map((violation) => violation.expected)).toEqual(['d1.w4']);
    const rolledBack = run(SHOWN);
    expect(checkDurability(rolledBack.history).map((violation) => [violation.expected, violation.events])).toEqual([
      ['d1.w4', rolledBack.witnesses],
      ['pending > 0', rolledBack.witnesses],
    ]);
  });
});
