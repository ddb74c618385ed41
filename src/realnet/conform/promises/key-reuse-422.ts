/**
 * @module realnet/conform/promises/key-reuse-422
 * An Idempotency-Key reused with a different body is refused with 422 and changes nothing:
 * once with another patch for the same record, once for another record.
 */
import { type ConformPromise, expectThat, shown } from '../promise.ts';

export const keyReuse422: ConformPromise = {
  name: '422-on-key-reuse',
  statement: 'An Idempotency-Key reused with a different body answers 422 and applies nothing.',
  async check(session) {
    const since = session.cursor;
    const id = session.id('reuse');
    const original = session.createOp(id, [{ op: 'set', field: 'title', value: 'original' }]);
    const created = await session.op(original);
    expectThat(created.status === 201, `creating ${id} answered ${shown(created)}, expected 201`);

    const otherPatch = {
      ...session.updateOp(id, null, [{ op: 'set', field: 'title', value: 'reused' }]),
      opId: original.opId,
    };
    const samePlace = await session.op(otherPatch);
    expectThat(
      samePlace.status === 422,
      `key ${original.opId} reused with another patch answered ${shown(samePlace)}, expected 422`,
    );

    const otherId = session.id('reuse-other');
    const elsewhere = await session.op({ ...session.createOp(otherId), opId: original.opId });
    expectThat(
      elsewhere.status === 422,
      `key ${original.opId} reused for another record answered ${shown(elsewhere)}, expected 422`,
    );

    const record = await session.latest(since, id);
    expectThat(
      record?.rev === 1 && record.fields.title === 'original',
      `after the refused reuses ${id} is at rev ${record?.rev} with title ${String(record?.fields.title)}, expected rev 1 'original'`,
    );
    expectThat((await session.latest(since, otherId)) === undefined, `a refused reuse created ${otherId}`);
    return 'reused with another patch and for another record: 422 both times, nothing applied';
  },
};
