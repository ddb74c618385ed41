/**
 * Goal: the registry lists every invariant once with a one-line description, and checkAll
 * runs them in catalogue order, returns declared losses and counts. Method: the clean run
 * (no violations) and the clean run with a lost write, a declared loss and a stuck device.
 */
import { describe, expect, it } from 'vitest';
import { checkAll, INVARIANT_NAMES, INVARIANTS, invariant } from '../../src/check/index.ts';
import { cleanChaos, cleanRun, EDITED, local, stored } from './builder.ts';

describe('invariant registry', () => {
  it('lists each invariant once, in catalogue order, with a one-line description', () => {
    expect(INVARIANTS.map((spec) => spec.name)).toEqual([...INVARIANT_NAMES]);
    for (const spec of INVARIANTS) {
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.description.length).toBeLessThanOrEqual(120);
      expect(spec.description).not.toMatch(/\n/);
    }
    expect(invariant('durability').name).toBe('durability');
    expect(() => invariant('no-typos')).toThrow(/unknown invariant 'no-typos'.*Known invariants: no-duplicates/);
  });
});

describe('checkAll', () => {
  it('finds nothing in the clean run and counts what it read', () => {
    const result = checkAll(cleanRun().builder.build());
    expect(result.violations).toEqual([]);
    expect(result.declaredLosses).toEqual([]);
    expect(result.stats).toMatchObject({ devices: 2, userWrites: 2, serverApplies: 2, kills: 0, finalRecorded: true });
    expect(result.stats.writes).toMatchObject({ kept: 3, overwritten: 1, lost: 0 });
    expect(Object.values(result.stats.violationsByInvariant).every((count) => count === 0)).toBe(true);
  });

  it('gathers violations in catalogue order, declared losses, and honours `only`', () => {
    const { builder: b } = cleanChaos();
    const fresh = local('r1', EDITED, 2);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'd1.lost' }], fresh);
    b.update('d1', 'r1', [{ op: 'set', field: 'note', value: 'd1.n1' }], fresh);
    b.update('d2', 'r1', [{ op: 'set', field: 'note', value: 'd2.n2' }], fresh);
    b.apply({ device: 'd2', opId: 'op4', id: 'r1', revAfter: 3, fields: { ...EDITED, note: 'd2.n2' } });
    b.heal('d1', false);
    b.heal('d2');
    const server = stored('r1', { ...EDITED, note: 'd2.n2' }, 3);
    b.final([server], {
      d1: { records: [local('r1', server.fields, 3)] },
      d2: { records: [local('r1', server.fields, 3)] },
    });
    const history = b.build();
    const result = checkAll(history);
    expect(result.violations.map((violation) => violation.invariant)).toEqual(['no-silent-loss', 'liveness']);
    expect(result.declaredLosses.map((loss) => loss.value)).toEqual(['d1.n1']);
    expect(result.stats.violationsByInvariant).toMatchObject({ 'no-silent-loss': 1, liveness: 1, convergence: 0 });
    expect(checkAll(history, { only: ['liveness'] }).violations.map((violation) => violation.invariant)).toEqual([
      'liveness',
    ]);
  });
});
