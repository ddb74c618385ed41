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

import { type Conflict, type LocalRecord, READ_CALLS, type ReadCall, type SyncClient } from '../client/contract.ts';
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
  const batched = (client as { [READ_CALLS]?: (calls: ReadCall[]) => Promise<unknown>[] })[READ_CALLS];
  if (batched !== undefined) return readViewBatched(batched, collections, conflictInbox);
  const all: LocalRecord[] = [];
  for (const collection of collections) for (const record of await listOf(client, collection)) all.push(record);
  const records = sortedRecords(all);
  const pending = checked<number>('pendingCount', 'pendingCount()', await client.pendingCount());
  const conflicts = conflictInbox ? await readConflicts(client) : [];
  return { records, pending, conflicts };
}

/**
 * `records` ordered by `collection + id` (a stable sort: equal keys keep their order), each
 * key built once (not twice per comparison). Lists usually arrive in that order already
 * (a collection's records by id, collections in order): then `records` itself is the
 * answer, found without a key object per record (thousands per view at 1,000 devices).
 */
export function sortedRecords(records: LocalRecord[]): LocalRecord[] {
  if (inKeyOrder(records)) return records;
  const keyed = records.map((record) => ({ key: record.collection + record.id, record }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.record);
}

/** True when no record's `collection + id` is above the next one's. */
function inKeyOrder(records: readonly LocalRecord[]): boolean {
  for (let index = 1; index < records.length; index++) {
    const a = records[index - 1] as LocalRecord;
    const b = records[index] as LocalRecord;
    // One collection: the keys share it as a prefix, so the ids decide (as strings).
    if (a.collection === b.collection && typeof a.id === 'string' && typeof b.id === 'string') {
      if (a.id > b.id) return false;
    } else if (a.collection + a.id > b.collection + b.id) return false;
  }
  return true;
}

/**
 * The same reads through an adapter's batched read (the process adapter: one turn), which
 * makes each call once the one before it settled; checked in the same order.
 */
async function readViewBatched(
  batched: (calls: ReadCall[]) => Promise<unknown>[],
  collections: readonly string[],
  conflictInbox: boolean,
): Promise<DeviceView> {
  const calls: ReadCall[] = collections.map((collection) => ({ method: 'list', args: [collection] }));
  calls.push({ method: 'pendingCount', args: [] });
  if (conflictInbox) calls.push({ method: 'conflicts', args: [] });
  const promises = batched(calls);
  const all: LocalRecord[] = [];
  for (const [index, collection] of collections.entries()) {
    const list = checked<LocalRecord[]>('list', `list('${collection}')`, await promises[index]);
    for (const record of list) all.push(record);
  }
  const pending = checked<number>('pendingCount', 'pendingCount()', await promises[collections.length]);
  const conflicts = conflictInbox
    ? checked<Conflict[]>('conflicts', 'conflicts()', await promises[collections.length + 1])
    : [];
  return { records: sortedRecords(all), pending, conflicts };
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
