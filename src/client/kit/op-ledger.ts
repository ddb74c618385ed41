/**
 * @module client/kit/op-ledger
 * One Idempotency-Key per logical op, kept across retries and kills. State-based engines
 * (RxDB, WatermelonDB) hand the adapter the same change again after a failed push: the
 * same record, the same base and the same new state. The ledger freezes the wire op of
 * that change the first time it is sent (in one SQLite table opened through
 * `env.storage`), so every retry, in this incarnation or the next, carries the same
 * `opId` and body, and the server applies the change at most once. `settle` forgets a
 * record's frozen ops once the server gave a final answer about it.
 *
 * @example
 * ```ts
 * const ledger = new OpLedger(env.storage.open('kit'));
 * const op = ledger.freeze({ collection, id, baseRev, state }, () => ({ opId: env.uuid(), ... }));
 * const outcome = await transport.pushOp(op);
 * if (outcome.kind !== 'retry') ledger.settle(collection, id);
 * ```
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SyncOp } from '../../server/protocol.ts';

/** Bound on frozen ops; an adapter that never settles fails loudly rather than growing forever. */
export const LEDGER_OPS_MAX = 100_000;

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What identifies a logical change: the record, the state it was made on, and the state it leads to. */
export interface LogicalChange {
  collection: string;
  id: string;
  /** Anything that names the base (a server rev, the assumed server state). */
  base: unknown;
  /** The new state (fields, or a deletion marker). */
  state: unknown;
}

export function changeKey(change: LogicalChange): string {
  return createHash('sha256').update(stableJson(change)).digest('hex');
}

export class OpLedger {
  private readonly selectOne: Database.Statement<[string], { body: string }>;
  private readonly insertOne: Database.Statement<[string, string, string, string]>;
  private readonly deleteRecord: Database.Statement<[string, string]>;
  private readonly countAll: Database.Statement<[], { n: number }>;

  constructor(
    db: Database.Database,
    readonly table = 'kit_op_ledger',
  ) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`[syncstorm] OpLedger: bad table name '${table}'`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (change_key TEXT PRIMARY KEY, collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL)`,
    );
    this.selectOne = db.prepare(`SELECT body FROM ${table} WHERE change_key = ?`);
    this.insertOne = db.prepare(`INSERT INTO ${table} (change_key, collection, id, body) VALUES (?, ?, ?, ?)`);
    this.deleteRecord = db.prepare(`DELETE FROM ${table} WHERE collection = ? AND id = ?`);
    this.countAll = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`);
  }

  /** The op frozen for `change`, or the one `build` makes now (then frozen). */
  freeze(change: LogicalChange, build: () => SyncOp): SyncOp {
    const key = changeKey(change);
    const stored = this.selectOne.get(key);
    if (stored !== undefined) return JSON.parse(stored.body) as SyncOp;
    if (this.size() >= LEDGER_OPS_MAX) throw new Error(`[syncstorm] OpLedger holds ${LEDGER_OPS_MAX} ops: settle them`);
    const op = build();
    if (op.collection !== change.collection || op.id !== change.id) {
      throw new Error(`[syncstorm] OpLedger: the op built for ${change.collection}/${change.id} names another record`);
    }
    this.insertOne.run(key, change.collection, change.id, JSON.stringify(op));
    return op;
  }

  /** Forgets every frozen op of the record: the server answered for it (applied, conflict, rejected). */
  settle(collection: string, id: string): void {
    this.deleteRecord.run(collection, id);
  }

  size(): number {
    return this.countAll.get()?.n ?? 0;
  }
}
