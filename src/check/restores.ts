/**
 * @module check/restores
 * When a deletion was knowingly taken back. Shared by no-resurrection (a restored record may
 * live again) and no-silent-loss (a restored record's delete is not lost).
 */
import type { RecordHistory, ServerApply, UserWrite } from './history.ts';
import { SERVER_DEVICE } from './values.ts';

/** A deletion: who decided it, when (trace seq), and the server apply that carried it out, if any. */
export interface Deletion {
  record: RecordHistory;
  by: string;
  decided: number;
  applied: ServerApply | undefined;
}

/**
 * The first event after the deletion that restored the record knowingly: a user resolved a
 * conflict on it; or the deleter's own device edited it again (its app showed the record
 * again, e.g. after the delete bounced as a conflict); or a user wrote to it from a view
 * based on the deletion's rev (editing a record shown as deleted-remotely is how some
 * clients let the user keep it); or automation revived it.
 */
export function knowingRestore(deletion: Deletion): UserWrite | ServerApply | undefined {
  const { record, decided, applied } = deletion;
  const write = record.writes.find((candidate) => {
    if (candidate.seq <= decided) return false;
    if (candidate.type === 'user.resolve') return true;
    if (candidate.type !== 'user.update') return false;
    if (candidate.device === deletion.by) return true;
    const rev = candidate.seen?.rev;
    return applied !== undefined && rev !== null && rev !== undefined && rev >= applied.revAfter;
  });
  if (write !== undefined) return write;
  return record.applies.find((apply) => apply.seq > decided && apply.device === SERVER_DEVICE && !apply.deleted);
}
