/**
 * @module check/adopted-state
 * Whether a device shows a server state of a record that its last writer had not seen: the
 * client replaced its local state with a newer one from the server (a pull, or a 409's
 * current record), dropping its own unsynced writes on the way. Such a drop is a merge
 * decision, judged by no-silent-loss under the client's declared policy; durability does
 * not blame a kill for it.
 */
import type { LocalRecord } from '../client/contract.ts';
import type { RecordHistory, UserWrite } from './history.ts';
import { applyAtRev } from './server-facts.ts';
import { sameFields } from './values.ts';

/** The server rev a write was based on as its writer's view showed it (0 for a create or a resolution). */
function seenRev(write: UserWrite): number {
  return write.type === 'user.update' || write.type === 'user.delete' ? (write.seen?.rev ?? 0) : 0;
}

/**
 * True when the device shows (`shown`; undefined: not at all) a server state of the record
 * newer than what `write`'s writer had seen, and another writer had changed the record on
 * the server after that base, before `until`: the record deleted there, or exactly the
 * fields of the server's apply at the rev the device shows.
 */
export function adoptedUnseenState(
  record: RecordHistory | undefined,
  write: UserWrite,
  shown: LocalRecord | undefined,
  until: number,
): boolean {
  if (record === undefined) return false;
  const base = seenRev(write);
  const applies = record.applies.filter((apply) => apply.seq < until);
  if (!applies.some((apply) => apply.device !== write.device && apply.revAfter > base)) return false;
  if (shown === undefined) return applies.at(-1)?.deleted === true;
  if (shown.rev === null || shown.rev <= base) return false;
  const apply = applyAtRev(record, shown.rev);
  return apply !== undefined && apply.seq < until && !apply.deleted && sameFields(apply.fields, shown.fields);
}
