/**
 * @module realnet/conform/promises/one-apply-per-key
 * An op is applied at most once per Idempotency-Key, however often it arrives: sent twice in
 * a row, resent after its answer was dropped, and sent four times at once. Each is an
 * unconditional `inc` of a counter, so the record's rev and counter count the applies.
 */
import type { ServerRecord, SyncOp } from '../../../server/protocol.ts';
import { type ConformPromise, expectThat, shown } from '../promise.ts';
import type { ConformSession } from '../session.ts';

const CONCURRENT_SENDS = 4;

function likes(record: ServerRecord | undefined): unknown {
  return record?.fields.likes;
}

async function expectApplies(
  session: ConformSession,
  since: string,
  id: string,
  applies: number,
  what: string,
  op: SyncOp,
) {
  const record = await session.latest(since, id);
  const rev = 1 + applies;
  expectThat(record !== undefined, `record ${id} is missing from GET /changes after ${what}`);
  expectThat(
    record.rev === rev && likes(record) === applies,
    `${what} (Idempotency-Key ${op.opId}) was applied more than once: the record is at rev ${record.rev} with likes ${String(likes(record))}, expected rev ${rev} and likes ${applies}`,
  );
}

export const oneApplyPerKey: ConformPromise = {
  name: 'one-apply-per-key',
  statement: 'An op is applied at most once per Idempotency-Key; repeats get the stored answer.',
  async check(session) {
    const since = session.cursor;
    const id = session.id('counter');
    const created = await session.op(session.createOp(id));
    expectThat(created.status === 201, `creating ${id} answered ${shown(created)}, expected 201`);
    const inc = () => session.updateOp(id, null, [{ op: 'inc', field: 'likes', by: 1 }]);

    const twice = inc();
    const first = await session.op(twice);
    const second = await session.op(twice);
    expectThat(first.status === 200, `an unconditional inc answered ${shown(first)}, expected 200`);
    expectThat(
      second.status === 200 && second.rev === first.rev,
      `the same op sent again answered ${shown(second)} rev ${second.rev}, expected the stored 200 rev ${first.rev}`,
    );
    await expectApplies(session, since, id, 1, 'an op sent twice', twice);

    const dropped = inc();
    await session.opDropped(dropped);
    const retried = await session.op(dropped);
    expectThat(
      retried.status === 200,
      `the retry of an op whose answer was dropped answered ${shown(retried)}, expected 200`,
    );
    await expectApplies(session, since, id, 2, 'an op resent after its answer was dropped', dropped);

    const crowd = inc();
    const answers = await session.opConcurrently(crowd, CONCURRENT_SENDS);
    const revs = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.rev));
    expectThat(
      revs.size <= 1,
      `${CONCURRENT_SENDS} concurrent sends of one op answered different revs: ${[...revs].join(', ')}`,
    );
    await expectApplies(session, since, id, 3, `an op sent ${CONCURRENT_SENDS} times at once`, crowd);
    return `sent twice, resent after a dropped answer, sent ${CONCURRENT_SENDS}× at once: each applied once`;
  },
};
