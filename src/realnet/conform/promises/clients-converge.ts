/**
 * @module realnet/conform/promises/clients-converge
 * What the promises add up to for real clients: reference clients whose requests are
 * duplicated, sent twice at once or whose answers are dropped all end up showing exactly
 * the server's records, and every counter on the server equals the increments users made.
 * Judged from the outside (a server under test keeps no history for the checkers): the
 * devices' views, the server's `/changes`, and the writes the clients committed.
 */
import type { Fields, ServerRecord } from '../../../server/protocol.ts';
import { runClients } from '../client-run.ts';
import { type ConformPromise, expectThat } from '../promise.ts';

function canonical(fields: Fields): string {
  return JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  );
}

/** Sum of the increments users made to each record's `likes`. */
function increments(events: readonly { type: string; [key: string]: unknown }[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'user.update') continue;
    for (const op of event.patch as { op: string; field: string; by?: number }[]) {
      if (op.op !== 'inc' || op.field !== 'likes') continue;
      const key = `${event.collection}/${event.id}`;
      sums.set(key, (sums.get(key) ?? 0) + (op.by ?? 0));
    }
  }
  return sums;
}

export const clientsConverge: ConformPromise = {
  name: 'clients-converge',
  statement:
    'Reference clients that send duplicates, send concurrently and lose answers converge on the server, counters intact.',
  async check(session) {
    const { trace, views, server } = await runClients(session, session.runId);
    const events = trace.events();
    const created = new Set(
      events.filter((event) => event.type === 'user.create').map((event) => `${event.collection}/${event.id}`),
    );
    expectThat(created.size > 0, 'the clients created no record (the server refused every write?)');
    const deletedByUsers = new Set(
      events.filter((event) => event.type === 'user.delete').map((event) => `${event.collection}/${event.id}`),
    );
    const mine = new Map<string, ServerRecord>();
    for (const record of server)
      if (created.has(`${record.collection}/${record.id}`)) mine.set(`${record.collection}/${record.id}`, record);
    for (const [device, view] of views) {
      expectThat(view !== undefined, `${device} could not show its records`);
      expectThat(view.pending === 0, `${device} still has ${view.pending} op(s) pending after the faults stopped`);
      const contested = new Set(view.conflicts.map((conflict) => `${conflict.collection}/${conflict.recordId}`));
      const shown = new Map(view.records.map((record) => [`${record.collection}/${record.id}`, record]));
      for (const key of created) {
        if (contested.has(key)) continue;
        const record = mine.get(key);
        const local = shown.get(key);
        if (record === undefined || record.deleted) {
          const state = record === undefined ? 'does not list it' : `deleted it (rev ${record.rev})`;
          expectThat(local === undefined, `${device} still shows ${key}, but the server ${state}`);
        } else {
          expectThat(
            local !== undefined && canonical(local.fields) === canonical(record.fields),
            `${device} shows ${key} as ${local ? canonical(local.fields) : 'missing'}, the server as ${canonical(record.fields)}`,
          );
        }
      }
    }
    for (const key of created) {
      // A record created and deleted before it was ever sent never leaves the device: fine.
      if (deletedByUsers.has(key)) continue;
      expectThat(mine.has(key), `${key}, created by a client, is not in GET /changes, neither live nor as a tombstone`);
    }
    for (const [key, expected] of increments(events)) {
      const record = mine.get(key);
      if (record === undefined || record.deleted) continue;
      const likes = record.fields.likes;
      expectThat(
        likes === expected,
        `counter ${key}.likes is ${String(likes)} on the server, but the users added ${expected}: an increment was applied ${typeof likes === 'number' && likes > expected ? 'twice' : 'not at all'}`,
      );
    }
    const writes = events.filter((event) => event.type.startsWith('user.') && event.type !== 'user.skip').length;
    return `${views.size} clients, ${writes} writes under duplicated, concurrent and dropped requests: converged, counters exact`;
  },
};
