/**
 * Goal: a client that declares no conflict inbox and no per-record status is judged only on
 * what it has. The simulator never calls its `conflicts()` or `resolve()` (a resolve step is
 * skipped and says why), `sim.final` records the declaration, and the run passes. Method:
 * the example memory client (lww, op replay) behind a wrapper whose `conflicts()` and
 * `resolve()` throw; two devices edit the same titles offline, then a resolve step. The
 * control: the same wrapper without the declaration fails with the client's errors.
 */
import { describe, expect, test } from 'vitest';
import { createMemoryClient } from '../../examples/memory-client/index.ts';
import type { ClientCapabilities, ClientFactory, SyncClient } from '../../src/client/contract.ts';
import type { Plan } from '../../src/sim/plan.ts';
import { runSimulation } from '../../src/sim/simulation.ts';

function withoutInbox(capabilities: ClientCapabilities | undefined): ClientFactory {
  const inner = createMemoryClient();
  return {
    ...inner,
    name: 'no-inbox',
    ...(capabilities === undefined ? {} : { capabilities }),
    async start(env) {
      const client = await inner.start(env);
      const refuse = async (): Promise<never> => {
        throw new Error('conflicts()/resolve() called on a client without a conflict inbox');
      };
      const wrapped: SyncClient = {
        create: (collection, fields) => client.create(collection, fields),
        update: (collection, id, patch) => client.update(collection, id, patch),
        delete: (collection, id) => client.delete(collection, id),
        list: async (collection) =>
          (await client.list(collection)).map((record) => ({ ...record, status: 'synced' as const })),
        sync: () => client.sync(),
        pendingCount: () => client.pendingCount(),
        conflicts: refuse,
        resolve: refuse,
      };
      return wrapped;
    },
  };
}

const PLAN: Plan = {
  devices: [{ id: 'phone' }, { id: 'laptop' }],
  profile: 'calm',
  networkRules: [],
  serverRules: [],
  steps: [
    { at: 0, do: 'create', device: 'phone', collection: 'notes', ref: 'shopping', fields: ['title'] },
    { at: 10_000, do: 'sync', device: 'laptop' },
    { at: 20_000, do: 'offline', device: 'phone' },
    { at: 20_000, do: 'offline', device: 'laptop' },
    { at: 21_000, do: 'update', device: 'phone', ref: 'shopping', ops: [{ op: 'set', field: 'title' }] },
    { at: 22_000, do: 'update', device: 'laptop', ref: 'shopping', ops: [{ op: 'set', field: 'title' }] },
    { at: 30_000, do: 'online', device: 'laptop' },
    { at: 40_000, do: 'online', device: 'phone' },
    { at: 50_000, do: 'sync', device: 'phone' },
    { at: 60_000, do: 'resolve', device: 'phone', choice: 'keep-local' },
    { at: 61_000, do: 'kill', device: 'laptop' },
    { at: 62_000, do: 'restart', device: 'laptop' },
    { at: 120_000, do: 'heal' },
  ],
};

describe('capabilities', () => {
  test('a client without conflict inbox and record status is never asked for them, and passes', async () => {
    const capabilities = { conflictInbox: false, recordStatus: false };
    const result = await runSimulation({
      seed: 'caps',
      plan: PLAN,
      client: withoutInbox(capabilities),
      keepTrace: true,
    });
    const trace = result.trace ?? [];
    expect(result.errors).toEqual([]);
    expect(result.violations).toEqual([]);
    expect(trace.filter((event) => event.type === 'user.skip')).toEqual([
      expect.objectContaining({ device: 'phone', reason: 'the client has no conflict inbox' }),
    ]);
    expect(trace.find((event) => event.type === 'sim.final')).toMatchObject({ capabilities });
    expect(result.declaredLosses).toBe(1);
  });

  test('the control: undeclared, the same client is asked and its errors fail the run', async () => {
    const result = await runSimulation({ seed: 'caps', plan: PLAN, client: withoutInbox(undefined), keepTrace: true });
    expect(result.passed).toBe(false);
    expect(result.violations.some((violation) => violation.message.includes('without a conflict inbox'))).toBe(true);
    expect((result.trace ?? []).find((event) => event.type === 'sim.final')).not.toHaveProperty('capabilities');
  });
});
