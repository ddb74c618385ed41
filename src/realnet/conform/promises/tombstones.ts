/**
 * @module realnet/conform/promises/tombstones
 * A delete comes to readers of `/changes` as a tombstone (`deleted: true`, its rev counted),
 * both from a cursor taken before the record existed and from one taken just before the
 * delete: a reader that only pulls deltas must learn of it.
 */
import { type ConformPromise, expectThat, shown } from '../promise.ts';

export const tombstonesInDeltas: ConformPromise = {
  name: 'tombstones-in-deltas',
  statement: 'A deleted record comes in /changes as a tombstone (deleted: true, rev + 1).',
  async check(session) {
    const before = session.cursor;
    const id = session.id('tombstone');
    const created = await session.op(session.createOp(id, [{ op: 'set', field: 'title', value: 'doomed' }]));
    expectThat(created.status === 201, `creating ${id} answered ${shown(created)}, expected 201`);
    await session.advance();
    const afterCreate = session.cursor;
    const deleted = await session.op({ ...session.updateOp(id, 1, []), kind: 'delete' });
    expectThat(deleted.status === 200, `deleting ${id} at baseRev 1 answered ${shown(deleted)}, expected 200`);
    for (const [label, since] of [
      ['just before the delete', afterCreate],
      ['before the record existed', before],
    ] as const) {
      const record = await session.latest(since, id);
      expectThat(
        record !== undefined,
        `${id}, deleted, is missing from GET /changes from a cursor ${label}: no tombstone`,
      );
      expectThat(
        record.deleted === true && record.rev === 2,
        `${id} comes from a cursor ${label} as rev ${record.rev} deleted ${record.deleted}, expected a tombstone at rev 2`,
      );
    }
    return 'a delete came as a tombstone at rev 2, from before the create and from before the delete';
  },
};
