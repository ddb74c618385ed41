/**
 * Goal: heal and the convergence checker agree on when a device shows the server's state
 * (one equality: an absent field equals null, sets compare as sets), so a device that had
 * converged is never reported by liveness as "needed a manual sync()". Method: unit cases of
 * `viewMatchesServer`, then whole runs of a reference client whose `list()` fills absent
 * fields with null (as engines with a fixed schema do) and lists sets in reverse order;
 * assert the runs pass with no liveness violation and no device nudged.
 */
import { describe, expect, test } from 'vitest';
import type { ClientFactory, LocalRecord, SyncClient } from '../../src/client/contract.ts';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import type { ServerRecord } from '../../src/server/protocol.ts';
import { runSeed } from '../../src/sim/seed-run.ts';
import { viewMatchesServer } from '../../src/sim/view-match.ts';

const SCHEMA_FIELDS = ['title', 'body', 'done', 'tags', 'likes'];

function server(fields: ServerRecord['fields']): ServerRecord[] {
  return [{ collection: 'tasks', id: 'r1', rev: 3, updatedAtServer: 0, deleted: false, fields }];
}

function view(fields: LocalRecord['fields']) {
  return {
    records: [{ collection: 'tasks', id: 'r1', fields, status: 'synced' as const, rev: 3 }],
    pending: 0,
    conflicts: [],
  };
}

/** The reference client behind a `list()` that shows every schema field (null when absent) and sets reversed. */
function schemaFilledClient(): ClientFactory {
  const inner = createReferenceClient();
  const fill = (record: LocalRecord): LocalRecord => {
    const fields: LocalRecord['fields'] = {};
    for (const name of SCHEMA_FIELDS) {
      const value = record.fields[name];
      fields[name] = Array.isArray(value) ? [...value].reverse() : (value ?? null);
    }
    return { ...record, fields };
  };
  return {
    ...inner,
    name: 'schema-filled',
    async start(env) {
      const client = await inner.start(env);
      const wrapped: SyncClient = {
        create: (collection, fields) => client.create(collection, fields),
        update: (collection, id, patch) => client.update(collection, id, patch),
        delete: (collection, id) => client.delete(collection, id),
        list: async (collection) => (await client.list(collection)).map(fill),
        sync: () => client.sync(),
        pendingCount: () => client.pendingCount(),
        conflicts: () => client.conflicts(),
        resolve: (id, resolution) => client.resolve(id, resolution),
      };
      return wrapped;
    },
  };
}

describe('heal decides convergence as the convergence checker does', () => {
  test('an absent field equals null, sets compare as sets, a real difference still counts', () => {
    expect(viewMatchesServer(view({ title: 'a', body: null }), server({ title: 'a' }))).toBe(true);
    expect(viewMatchesServer(view({ title: 'a' }), server({ title: 'a', body: null }))).toBe(true);
    expect(viewMatchesServer(view({ tags: ['y', 'x'] }), server({ tags: ['x', 'y'] }))).toBe(true);
    expect(viewMatchesServer(view({ title: 'a', body: null }), server({ title: 'a', body: 'b' }))).toBe(false);
    expect(viewMatchesServer(view({ tags: ['x'] }), server({ tags: ['x', 'y'] }))).toBe(false);
    expect(viewMatchesServer({ ...view({ title: 'a' }), pending: 1 }, server({ title: 'a' }))).toBe(false);
  });

  test.each(['1', '2', '3'])(
    'a client showing absent fields as null is not nudged (calm seed %s)',
    async (seed) => {
      const result = await runSeed({
        seed,
        client: schemaFilledClient(),
        profile: 'calm',
        devices: 2,
        opsPerDevice: 8,
        keepTrace: true,
      });
      const heals = (result.trace ?? []).filter((event) => event.type === 'sim.heal');
      expect(heals).toHaveLength(2);
      expect(heals.filter((event) => event.nudged === true)).toEqual([]);
      expect(result.violations.filter((violation) => violation.invariant === 'liveness')).toEqual([]);
      expect(result.violations).toEqual([]);
    },
    120_000,
  );
});
