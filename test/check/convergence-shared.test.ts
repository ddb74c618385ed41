/**
 * Goal: convergence judges a device whose final records are, object for object, those of a
 * device already found to match (same subscription, nothing contested) without walking
 * them, and finds exactly what judging every device anew finds.
 * Method: drawn end states of six devices built from a small pool of shared record objects
 * (some equal to the server's, some not, some keys twice), devices reusing an earlier
 * device's list or a copy of it, drawn conflicts, pending counts and subscriptions; compare
 * checkConvergence with convergenceOf(history, false).
 */
import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../src/check/index.ts';
import { convergenceOf } from '../../src/check/invariants/convergence.ts';
import type { Conflict, LocalRecord, Subscription } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { cleanChaos, local, POLICY, stored } from './builder.ts';

const OPEN: Subscription = [{ collection: 'tasks', field: 'done', values: [false] }];

describe('convergence, devices sharing their final records', () => {
  it('finds what judging every device anew finds, for drawn end states', () => {
    const rng = new Rng('convergence-shared');
    let [found, clean] = [0, 0];
    for (let round = 0; round < 300; round++) {
      const server = [0, 1, 2].map((index) => stored(`r${index}`, { title: `s${index}`, done: index === 2 }, 1));
      const pool: LocalRecord[] = [
        ...server.map((record) => local(record.id, record.fields, 1)),
        local('r0', { title: 'other', done: false }, 1),
        local('r3', { title: 'gone', done: false }, 1),
      ].map((record) => Object.freeze(record));
      const lists: LocalRecord[][] = [];
      const devices: Record<string, { records: LocalRecord[]; conflicts: Conflict[]; pending: number }> = {};
      const subscriptions: Record<string, Subscription | null> = {};
      for (let index = 0; index < 6; index++) {
        const draw = rng.next();
        let records: LocalRecord[];
        if (draw < 0.4 && lists.length > 0) records = lists[rng.int(0, lists.length - 1)]!;
        else if (draw < 0.6 && lists.length > 0) records = [...lists[rng.int(0, lists.length - 1)]!];
        else if (draw < 0.8) records = pool.slice(0, rng.int(2, 3));
        else records = pool.filter(() => rng.next() < 0.6);
        lists.push(records);
        const conflicts: Conflict[] =
          rng.next() < 0.2
            ? [{ id: 'c', collection: 'tasks', recordId: `r${rng.int(0, 3)}`, field: 'title', local: 'a', remote: 'b' }]
            : [];
        devices[`d${index}`] = { records, conflicts, pending: rng.next() < 0.1 ? 1 : 0 };
        if (rng.next() < 0.3) subscriptions[`d${index}`] = rng.next() < 0.5 ? OPEN : null;
      }
      const { builder: b } = cleanChaos();
      b.event('sim.final', { policy: POLICY, subscriptions, server, devices });
      const history = b.build();
      const anew = convergenceOf(history, false);
      expect(checkConvergence(history)).toEqual(anew);
      found += anew.length;
      clean += 6 - new Set(anew.map((violation) => violation.device)).size;
    }
    expect(found).toBeGreaterThan(300);
    expect(clean).toBeGreaterThan(300);
  });
});
