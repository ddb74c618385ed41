/**
 * @module sim/views
 * Reading what a device shows: every record of every collection, its pending count and
 * its conflicts. Reads go through the app API only (black-box clients have nothing else).
 * A client that declares no conflict inbox (`capabilities.conflictInbox: false`) is not
 * asked for its conflicts: its views show none.
 * What a client returns is checked before anything uses it: a value of the wrong shape is
 * a ClientBadResult (a client error of its own kind), never a crash of the checkers.
 */

/** `value`, once it has the shape `method` must return. */
function checked<T>(method: AppMethod, call: string, value: unknown): T {
  const problem = resultProblem(method, value);
  if (problem !== undefined) throw new ClientBadResult(`${call} returned a malformed result: ${problem}`);
  return value as T;
}

const listOf = async (client: SyncClient, collection: string) =>
  checked<LocalRecord[]>('list', `list('${collection}')`, await client.list(collection));

import type { Conflict, LocalRecord, SyncClient } from '../client/contract.ts';
import { type AppMethod, resultProblem } from '../client/process/protocol.ts';
import { ClientBadResult } from './client-errors.ts';

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
  const keyed: Array<{ key: string; record: LocalRecord }> = [];
  for (const collection of collections)
    for (const record of await listOf(client, collection)) keyed.push({ key: record.collection + record.id, record });
  // Ordered by `collection + id`, each key built once (not twice per comparison).
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const records = keyed.map((entry) => entry.record);
  const pending = checked<number>('pendingCount', 'pendingCount()', await client.pendingCount());
  const conflicts = conflictInbox ? await readConflicts(client) : [];
  return { records, pending, conflicts };
}

/** The record `id` of `collection` as the device shows it, or null. */
export async function readRecord(client: SyncClient, collection: string, id: string): Promise<LocalRecord | null> {
  const records = await listOf(client, collection);
  return records.find((record) => record.id === id) ?? null;
}

/** The device's conflicts, checked. */
export async function readConflicts(client: SyncClient): Promise<Conflict[]> {
  return checked<Conflict[]>('conflicts', 'conflicts()', await client.conflicts());
}
