/**
 * @module server/cursor-reset
 * The "resync required" answer of cursor-mode `/changes` (docs/protocol.md, "Cursor resets"):
 * first the `cursor` faults may move the retention floor (`cursor-expired` forgets this cursor
 * and every older one; `compaction` purges the tombstones of the change log and forgets every
 * cursor before now), then a forgotten cursor is answered 410 `resync-required`.
 */
import type { ServerContext } from './context.ts';
import type { ServerFault } from './fault-rules.ts';
import type { ErrorBody } from './protocol.ts';
import type { Reply } from './responses.ts';

export const RESYNC_STATUS = 410;

function applies(context: ServerContext, since: number, fault: ServerFault): boolean {
  const lastSeq = context.store.lastSeq;
  // Only a cursor with changes after it can be "old"; the floor never passes the newest change,
  // so the cursor a resync ends with is always honoured.
  if (fault.type === 'cursor-expired') return since > 0 && since < lastSeq && !context.retention.expired(since);
  if (fault.type === 'compaction') return context.retention.floor < lastSeq;
  return false;
}

/** The 410 for a forgotten cursor `since`, or undefined when the page may be served. */
export function cursorReset(context: ServerContext, device: string, since: number): Reply | undefined {
  const { retention, store } = context;
  const fired = context.faults.decide('cursor', { device, route: 'changes', kinds: [] }, (fault) =>
    applies(context, since, fault),
  );
  if (fired?.fault.type === 'cursor-expired') retention.forgetBelow(since + 1, 'cursor-expired');
  if (fired?.fault.type === 'compaction') {
    store.purgeTombstones(store.lastSeq);
    retention.forgetBelow(store.lastSeq, 'compacted');
  }
  if (!retention.expired(since)) return undefined;
  const body: ErrorBody = { error: 'resync-required', reason: retention.reason, path: 'since' };
  context.history.reject(device, undefined, RESYNC_STATUS, retention.reason);
  return { status: RESYNC_STATUS, body };
}
