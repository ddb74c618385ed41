/**
 * @module realnet/conform/promises/stale-base-rev-409
 * A conditional write on a stale baseRev is refused with 409 carrying the current record,
 * for an update and for a delete, and applies nothing.
 */
import type { ConflictBody } from '../../../server/protocol.ts';
import { type ConformPromise, expectThat, shown } from '../promise.ts';

export const staleBaseRev409: ConformPromise = {
  name: '409-on-stale-base-rev',
  statement: 'An update or delete on a stale baseRev answers 409 with the current record and applies nothing.',
  async check(session) {
    const since = session.cursor;
    const id = session.id('stale');
    const created = await session.op(session.createOp(id, [{ op: 'set', field: 'title', value: 'v1' }]));
    expectThat(created.status === 201, `creating ${id} answered ${shown(created)}, expected 201`);
    const fresh = await session.op(session.updateOp(id, 1, [{ op: 'set', field: 'title', value: 'v2' }]));
    expectThat(
      fresh.status === 200 && fresh.rev === 2,
      `an update on the current baseRev 1 answered ${shown(fresh)}, expected 200 rev 2`,
    );

    const stale = await session.op(session.updateOp(id, 1, [{ op: 'set', field: 'title', value: 'stale' }]));
    expectThat(
      stale.status === 409,
      `an update on the stale baseRev 1 (record at rev 2) answered ${shown(stale)}, expected 409`,
    );
    const current = (stale.body as ConflictBody | undefined)?.current;
    expectThat(current?.rev === 2, `the 409 carries current rev ${String(current?.rev)}, expected 2`);

    const staleDelete = await session.op({ ...session.updateOp(id, 1, []), kind: 'delete' });
    expectThat(
      staleDelete.status === 409,
      `a delete on the stale baseRev 1 answered ${shown(staleDelete)}, expected 409`,
    );

    const record = await session.latest(since, id);
    expectThat(
      record?.rev === 2 && record.fields.title === 'v2' && !record.deleted,
      `after the refused writes ${id} is at rev ${record?.rev} (title ${String(record?.fields.title)}, deleted ${record?.deleted}), expected rev 2 'v2'`,
    );
    return 'a stale update and a stale delete: 409 with the current record, nothing applied';
  },
};
