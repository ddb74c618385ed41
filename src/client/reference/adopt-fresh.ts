/**
 * @module client/reference/adopt-fresh
 * The common case of a pulled change, in one read and one write: a newer server state for
 * a record with no pending op, no open conflict and no newer deferred state. It does what
 * `adoptBase` then `refreshRecord` (records.ts) do in that case, which is three record
 * reads, three outbox reads, two conflict reads and two writes: with nothing pending and
 * nothing contested, the new view is the server state itself. At 1,000 devices every device
 * applies every record, so this path is most of a run's SQLite work.
 */
import type { ServerRecord } from '../../server/protocol.ts';
import type { ClientContext } from './context.ts';
import { emptyRecord, isNewer } from './records.ts';
import type { RecordRow } from './schema.ts';
import { localView, recordStatus } from './view.ts';

/**
 * Adopts `server` as the base and view of the record `local` (as just read; undefined: none
 * yet), which has no pending ops. Returns false, having changed nothing, when the general
 * path must run: `server` is not newer, the record keeps a newer deferred state, or it has
 * an open conflict (`contested`, when already read with the page; else read here).
 */
export function adoptFresh(
  ctx: ClientContext,
  local: RecordRow | undefined,
  server: ServerRecord,
  contested?: boolean,
): boolean {
  const record = local ?? emptyRecord(server.collection, server.id);
  if (!isNewer(ctx, record, server)) return false;
  if (record.shadow !== null && record.shadow.rev > server.rev) return false;
  if (contested ?? ctx.store.hasConflicts(server.collection, server.id)) return false;
  // Not cloned: the row is written and dropped below, and localView copies the base.
  record.baseFields = server.fields;
  record.baseDeleted = server.deleted;
  record.rev = server.rev;
  record.serverUpdatedAt = server.updatedAtServer;
  record.shadow = null;
  // With nothing pending and nothing contested the view is the base itself (localView would
  // copy it; the row is written and dropped, so the copy bought nothing).
  const view =
    record.baseFields === null ? localView(record, [], []) : { fields: record.baseFields, deleted: record.baseDeleted };
  record.fields = view.fields;
  record.deleted = view.deleted;
  record.status = recordStatus(record, [], []);
  ctx.store.putRecord(record);
  return true;
}
