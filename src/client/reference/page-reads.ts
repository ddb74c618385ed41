/**
 * @module client/reference/page-reads
 * What applying a pulled change reads before it decides (the local row, how many outbox rows
 * the record has, whether it has an open conflict), read for a whole page in three statements
 * per collection instead of three per record. At 1,000 devices every device applies every
 * record, pages of a few dozen: those per-record reads were most of the pull path's SQLite
 * calls.
 *
 * The facts of a record hold until something writes that record or its ops and conflicts.
 * Applying a change through the fast path (adopt-fresh.ts) writes only its own record row, so
 * each record's facts are handed out once (`take`: a record twice in one page reads again the
 * second time), and any change that takes another path (a deferral, a rebase, a moved-out
 * record, which may open conflicts or enqueue ops) drops every fact left (`forget`).
 * Rows are read only for ids that may have one (known-ids.ts): a record new to the device
 * has none, and at 1,000 devices nearly every pulled record is (those few rows are read by
 * key, store.recordsIn).
 * Ids the JSON round trip through SQLite might not give back unchanged (a lone surrogate, a
 * control character) are not read ahead: their change reads them itself.
 */
import type { ServerRecord } from '../../server/protocol.ts';
import type { RecordRow } from './schema.ts';
import type { Store } from './store.ts';

export interface RecordFacts {
  local: RecordRow | undefined;
  pendingOps: number;
  contested: boolean;
}

/** Below this many changes a page reads record by record (three small statements are cheaper). */
export const PAGE_READS_MIN = 4;

function safeId(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  // No control characters (JSON escapes), no lone surrogate (SQLite's UTF-8 would change it).
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 0x20) return false;
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

export class PageReads {
  private constructor(private facts: Map<string, Map<string, RecordFacts>>) {}

  /** Reads the facts of every record of `changes` (those worth it; see the module comment). */
  static read(store: Store, changes: readonly ServerRecord[]): PageReads {
    const idsByCollection = new Map<string, Set<string>>();
    for (const change of changes) {
      if (change.movedOut === true || !safeId(change.id) || typeof change.collection !== 'string') continue;
      let ids = idsByCollection.get(change.collection);
      if (ids === undefined) idsByCollection.set(change.collection, (ids = new Set()));
      ids.add(change.id);
    }
    const facts = new Map<string, Map<string, RecordFacts>>();
    for (const [collection, ids] of idsByCollection) {
      const counts = store.opCountsIn(collection, ids);
      const contested = store.contestedIn(collection, ids);
      const byId = new Map<string, RecordFacts>();
      for (const id of ids)
        byId.set(id, { local: undefined, pendingOps: counts.get(id) ?? 0, contested: contested.has(id) });
      // Only ids that may have a row are looked up: a record new to the device has none.
      const existing = store.mayExist(collection, ids);
      const rows = existing.length === 0 ? [] : store.recordsIn(collection, existing);
      for (const row of rows) {
        const known = byId.get(row.id);
        if (known !== undefined) known.local = row;
      }
      facts.set(collection, byId);
    }
    return new PageReads(facts);
  }

  /** The facts of `change`'s record as read with the page, once; undefined: read them now. */
  take(change: ServerRecord): RecordFacts | undefined {
    const byId = this.facts.get(change.collection);
    const known = byId?.get(change.id);
    if (known !== undefined) byId?.delete(change.id);
    return known;
  }

  /** Something else was written: no fact read with the page may be used any more. */
  forget(): void {
    this.facts = new Map();
  }
}
