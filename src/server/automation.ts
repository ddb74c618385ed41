/**
 * @module server/automation
 * Server-side writes that no client asked for (a backend job, a trigger, another service):
 * `ReferenceServer.automationWrite`, and the writes of the `concurrent-write`,
 * `write-between-pages` and `checkpoint-tie` faults. Each is a server.apply with device
 * 'server' and opId 'auto-<n>'. The faults' writes set the field `_automation` to their own
 * op id: a unique value in a field no client policy covers, so they bump the rev (making a
 * client's baseRev stale) without overwriting anything a user wrote.
 */
import { assert } from '../kernel/assert.ts';
import type { ServerHistory } from './history.ts';
import { applyPatch } from './patch.ts';
import type { PatchOp } from './protocol.ts';
import type { ServerClock } from './server-clock.ts';
import type { RecordStore, StoredRecord } from './store.ts';

export const AUTOMATION_DEVICE = 'server';
export const AUTOMATION_FIELD = '_automation';

export class Automation {
  private count = 0;

  constructor(
    private readonly store: RecordStore,
    private readonly history: ServerHistory,
    private readonly clock: ServerClock,
  ) {}

  /**
   * Applies `patch` to a live record as an update; undefined if the record does not exist or
   * is a tombstone. `updatedAtServer` overrides the stamp (checkpoint-tie only).
   */
  write(collection: string, id: string, patch: readonly PatchOp[], updatedAtServer?: number): StoredRecord | undefined {
    const current = this.store.get(collection, id);
    if (current === undefined || current.deleted) return undefined;
    const result = applyPatch(current.fields, patch);
    assert(result.ok, `automationWrite(${collection}, ${id}): patch does not apply (${JSON.stringify(result)})`);
    const opId = `auto-${++this.count}`;
    const record = this.store.commit({
      collection,
      id,
      rev: current.rev + 1,
      updatedAtServer: updatedAtServer ?? this.clock.stamp(),
      deleted: false,
      fields: result.fields,
    });
    this.history.apply({ device: AUTOMATION_DEVICE, opId, kind: 'update', revBefore: current.rev, record });
    return record;
  }

  /** A fault's write: sets `_automation` to the write's own op id. */
  writeMarker(record: StoredRecord, updatedAtServer?: number): StoredRecord | undefined {
    const marker: PatchOp = { op: 'set', field: AUTOMATION_FIELD, value: `auto-${this.count + 1}` };
    return this.write(record.collection, record.id, [marker], updatedAtServer);
  }
}
