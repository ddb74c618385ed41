/**
 * @module realnet/conform/promises/complete-paging
 * A reader that pages `/changes` from a cursor until `hasMore` is false, while writes land
 * between its pages, receives every record changed after that cursor, each at least at the
 * rev it had when the reader asked for its last page. Writes between pages: an update of a
 * record already received, an update of one not yet received, and a new record.
 */
import type { ServerRecord } from '../../../server/protocol.ts';
import { type ConformPromise, expectThat, shown } from '../promise.ts';
import type { ConformSession } from '../session.ts';

const RECORDS = 9;
const PAGE_LIMIT = 3;
const PAGES_MAX = 50;

async function write(session: ConformSession, revs: Map<string, number>, id: string): Promise<void> {
  const known = revs.get(id);
  const op =
    known === undefined
      ? session.createOp(id, [{ op: 'set', field: 'title', value: 'new' }])
      : session.updateOp(id, null, [{ op: 'inc', field: 'likes', by: 1 }]);
  const answer = await session.op(op);
  expectThat(answer.status === 200 || answer.status === 201, `writing ${id} answered ${shown(answer)}`);
  revs.set(id, answer.rev ?? (known ?? 0) + 1);
}

export const completePaging: ConformPromise = {
  name: 'complete-paging',
  statement:
    'Paging /changes to the end while others write skips nothing: every change arrives, at least as new as when the last page was asked.',
  async check(session) {
    const since = session.cursor;
    const revs = new Map<string, number>();
    const ids = Array.from({ length: RECORDS }, () => session.id('page'));
    for (const id of ids) await write(session, revs, id);
    const received = new Map<string, ServerRecord>();
    let cursor = since;
    let expected = new Map(revs);
    for (let page = 0; page < PAGES_MAX; page++) {
      expected = new Map(revs);
      const answer = await session.page(cursor, PAGE_LIMIT);
      for (const record of answer.changes) {
        const seen = received.get(record.id);
        if (seen === undefined || record.rev > seen.rev) received.set(record.id, record);
      }
      cursor = answer.next;
      if (!answer.hasMore) break;
      const pending = ids.filter((id) => !received.has(id));
      const done = ids.filter((id) => received.has(id));
      if (page < 3) {
        if (done[0] !== undefined) await write(session, revs, done[page % done.length] as string);
        if (pending[1] !== undefined) await write(session, revs, pending[1]);
        const extra = session.id('page-late');
        ids.push(extra);
        await write(session, revs, extra);
      }
    }
    for (const [id, rev] of expected) {
      const got = received.get(id);
      expectThat(got !== undefined, `${id} (written at rev ${rev} before the last page) never came in the pages`);
      expectThat(
        got.rev >= rev,
        `${id} came at rev ${got.rev}, but rev ${rev} was written before the last page was asked`,
      );
    }
    return `${expected.size} records paged ${PAGE_LIMIT} at a time with writes between pages: none skipped`;
  },
};
