/**
 * @module sim/shared-handle
 * In memory mode, the instances of one device share each in-memory SQLite database (there is
 * no file for a second connection to open). An instance beside the app's first one gets the
 * first one's connection behind this guard: once the instance dies, every call through the
 * guard (the database, its statements, its transaction functions) throws as a closed
 * better-sqlite3 handle does, so a dead instance cannot write, while the living instances
 * keep the connection. better-sqlite3 is synchronous, so two instances' transactions never
 * interleave on the shared connection (a transaction cannot span an await).
 */
import type Database from 'better-sqlite3';
import type { Incarnation } from '../kernel/incarnation.ts';

function closed(): TypeError {
  return new TypeError('The database connection is not open');
}

/** Whether `value` is a better-sqlite3 Statement (its methods must be guarded too). */
function isStatement(value: unknown): value is object {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'Statement';
}

/** `db` as seen by the instance `owner`: usable while the instance lives. */
export function guardHandle(db: Database.Database, owner: Incarnation): Database.Database {
  const guardFunction = (fn: (...args: unknown[]) => unknown, self: unknown) =>
    function guarded(...args: unknown[]): unknown {
      if (!owner.alive) throw closed();
      return wrap(fn.apply(self, args));
    };
  const guardObject = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        if (property === 'open' && object === db) return owner.alive && db.open;
        const value = Reflect.get(object, property, object) as unknown;
        return typeof value === 'function' ? guardFunction(value as (...args: unknown[]) => unknown, object) : value;
      },
    });
  const proxy = guardObject(db);
  const wrap = (result: unknown): unknown => {
    if (result === db) return proxy;
    if (isStatement(result)) return guardObject(result);
    if (typeof result === 'function') {
      // db.transaction(fn) returns a function with .deferred/.immediate/.exclusive variants.
      const transaction = result as ((...args: unknown[]) => unknown) & Record<string, unknown>;
      const guarded = guardFunction(transaction, undefined) as typeof transaction;
      for (const variant of ['deferred', 'immediate', 'exclusive'] as const) {
        const fn = transaction[variant];
        if (typeof fn === 'function')
          guarded[variant] = guardFunction(fn as (...args: unknown[]) => unknown, undefined);
      }
      return guarded;
    }
    return result;
  };
  return proxy;
}
