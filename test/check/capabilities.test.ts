/**
 * Goal: the checkers read a record's status only from a client that has one. Durability
 * takes "the record is not shown as synced" as "the write is still waiting" only when the
 * client declares per-record status; a client that declares `recordStatus: false` is judged
 * by its pending count alone. Method: a crash-point kill after an unsent write; after the
 * restart the outbox is empty (the write is gone) and the record's status says 'pending';
 * judged with and without the declaration in sim.final.
 */
import { describe, expect, it } from 'vitest';
import { checkDurability } from '../../src/check/index.ts';
import type { ClientCapabilities } from '../../src/client/contract.ts';
import { cleanChaos, EDITED, local, POLICY, stored } from './builder.ts';

function unsentWriteLostAtKill(capabilities: ClientCapabilities | undefined) {
  const { builder: b } = cleanChaos();
  const write = b.at(100).update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.w4' }], local('r1', EDITED, 2));
  const kill = b.kill('d1', 'before-push');
  b.restart('d1');
  const after = b.view('d1', 'after-restart', [local('r1', { ...EDITED, title: 'd1.w4' }, 2, 'pending')], 0);
  const records = [local('r1', EDITED, 2)];
  b.event('sim.final', {
    policy: POLICY,
    ...(capabilities === undefined ? {} : { capabilities }),
    server: [stored('r1', EDITED, 2)],
    devices: { d1: { records, conflicts: [], pending: 0 }, d2: { records, conflicts: [], pending: 0 } },
  });
  return { history: b.build(), witnesses: [write, kill, after] };
}

describe('capabilities: record status', () => {
  it("trusts a 'pending' status from a client that declares per-record status", () => {
    expect(checkDurability(unsentWriteLostAtKill(undefined).history)).toEqual([]);
  });

  it('ignores the status of a client without per-record status and judges its pending count', () => {
    const { history, witnesses } = unsentWriteLostAtKill({ recordStatus: false });
    expect(checkDurability(history)).toEqual([
      expect.objectContaining({ invariant: 'durability', events: witnesses, expected: 'pending > 0', actual: 0 }),
    ]);
  });
});
