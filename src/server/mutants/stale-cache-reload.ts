/**
 * @module server/mutants/stale-cache-reload
 * Bug: `GET /changes` is served through a cache that a job reloads on the virtual clock
 * (at the next multiple of RELOAD_EVERY_MS since the start of the run after a request
 * comes in, so a quiet server schedules nothing). A reload reads the store, takes RELOAD_TAKES_MS to build, then publishes what it
 * read, over the invalidations that came in meanwhile. A record deleted between the read
 * and the publish is published live again, and the cache serves that row in place of its
 * tombstone to every device that pulls it before the next reload. Their cursors move past
 * the delete: they never learn of it. (A medical-data app shipped this: deleted entries
 * were served to every client until retention expired.)
 */
import type { ServerRecord } from '../protocol.ts';
import { ROUTES } from '../protocol.ts';
import { editJson, type ServerEnv, type ServerMutant } from './handle.ts';

/** Reloads start at multiples of this, in virtual ms since the start of the run. */
export const RELOAD_EVERY_MS = 5_000;
/** How long a reload takes between its read and its publish, virtual ms. */
export const RELOAD_TAKES_MS = 1_000;

const keyOf = (record: Pick<ServerRecord, 'collection' | 'id'>) => `${record.collection}/${record.id}`;

/** The cache of one server: its reload job and the rows its last publish got wrong. */
class ReloadingCache {
  /** Live rows published over a delete that committed during the reload. */
  private stale = new Map<string, ServerRecord>();
  private scheduled = false;

  constructor(private readonly env: ServerEnv) {}

  /** A request came in: make sure a reload is on the clock. */
  touch(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const now = this.env.now();
    const at = (Math.floor(now / RELOAD_EVERY_MS) + 1) * RELOAD_EVERY_MS;
    this.env.schedule(at - now, 'cache-reload', () => this.read());
  }

  private read(): void {
    const read = this.env.records();
    this.env.schedule(RELOAD_TAKES_MS, 'cache-publish', () => this.publish(read));
  }

  /** The bug: what was read is published as it is; deletes committed since are lost. */
  private publish(read: readonly ServerRecord[]): void {
    const now = new Map(this.env.records().map((record) => [keyOf(record), record]));
    this.stale = new Map();
    for (const record of read) {
      if (record.deleted || now.get(keyOf(record))?.deleted !== true) continue;
      this.stale.set(keyOf(record), record);
    }
    if (this.stale.size > 0) this.env.note('cache reload published deleted rows', { rows: [...this.stale.keys()] });
    this.scheduled = false;
  }

  /** A page of changes as the cache serves it. */
  serve(changes: readonly ServerRecord[]): ServerRecord[] {
    return changes.map((record) => (record.deleted ? (this.stale.get(keyOf(record)) ?? record) : record));
  }
}

export const staleCacheReload: ServerMutant = {
  name: 'stale-cache-reload',
  description:
    'A cache reload reads before a DELETE commits and publishes after it: GET /changes serves the deleted row as live.',
  invariant: 'no-resurrection',
  breaks: undefined,
  wrap(next, env) {
    const cache = new ReloadingCache(env);
    return async (request, deviceId) => {
      cache.touch();
      const response = await next(request, deviceId);
      if (request.method !== 'GET' || new URL(request.url).pathname !== ROUTES.changes || !response.ok) return response;
      return editJson(response, (body) => {
        if (!Array.isArray(body.changes)) return body;
        return { ...body, changes: cache.serve(body.changes as ServerRecord[]) };
      });
    };
  },
};
