/**
 * @module sim/views
 * Reading what a device shows: every record of every collection, its pending count and
 * its conflicts. Reads go through the app API only (black-box clients have nothing else).
 * A client that declares no conflict inbox (`capabilities.conflictInbox: false`) is not
 * asked for its conflicts: its views show none.
 */
import type { Conflict, LocalRecord, SyncClient } from '../client/contract.ts';

export interface DeviceView {
  records: LocalRecord[];
  pending: number;
  conflicts: Conflict[];
}

export async function readView(
  client: SyncClient,
  collections: readonly string[],
  conflictInbox = true,
): Promise<DeviceView> {
  const records: LocalRecord[] = [];
  for (const collection of collections) records.push(...(await client.list(collection)));
  records.sort((a, b) =>
    a.collection + a.id < b.collection + b.id ? -1 : a.collection + a.id > b.collection + b.id ? 1 : 0,
  );
  const pending = await client.pendingCount();
  const conflicts = conflictInbox ? await client.conflicts() : [];
  return { records, pending, conflicts };
}

/** The record `id` of `collection` as the device shows it, or null. */
export async function readRecord(client: SyncClient, collection: string, id: string): Promise<LocalRecord | null> {
  const records = await client.list(collection);
  return records.find((record) => record.id === id) ?? null;
}
