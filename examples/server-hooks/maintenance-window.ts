/**
 * @module examples/server-hooks/maintenance-window
 * A backend's quirks as server hooks (docs/server-hooks.md): a compaction job that, once
 * traffic has started, runs every 30 s of virtual time and takes the API down for 3 s
 * (503 with Retry-After: 3) while it runs; and a gateway that stamps every answer with the
 * virtual time it left the server. A correct client rides it out; the checkers still judge
 * the reference server's history underneath.
 *
 *   syncstorm fuzz --seeds 20 --server examples/server-hooks/maintenance-window.ts
 */
import type { ServerEnv, ServerHooks } from 'syncstorm';

/** Virtual ms between two compaction jobs, and how long one keeps the API down. */
const COMPACTION_EVERY_MS = 30_000;
const COMPACTION_TAKES_MS = 3_000;
/** Bound on jobs per run (a week-long scenario must not schedule forever). */
const COMPACTIONS_MAX = 1_000;

let compacting = false;
let jobs = 0;

function scheduleCompaction(env: ServerEnv): void {
  if (jobs >= COMPACTIONS_MAX) return;
  jobs++;
  env.schedule(COMPACTION_EVERY_MS, 'compaction', () => {
    compacting = true;
    env.note('compaction started');
    env.schedule(COMPACTION_TAKES_MS, 'compaction-done', () => {
      compacting = false;
      env.note('compaction done');
      scheduleCompaction(env);
    });
  });
}

const hooks: ServerHooks = {
  name: 'maintenance-window',
  description: 'A compaction job takes the API down for 3 s every 30 s (503, Retry-After: 3).',
  start(env) {
    // Module state is per process: each run starts from a clean slate.
    compacting = false;
    jobs = 0;
    scheduleCompaction(env);
  },
  beforeRequest() {
    if (!compacting) return undefined;
    return new Response(JSON.stringify({ error: 'unavailable', reason: 'compaction' }), {
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': '3' },
    });
  },
  afterRequest(_request, response, { env }) {
    const headers = new Headers(response.headers);
    headers.set('x-served-at-ms', String(env.now()));
    return new Response(response.body, { status: response.status, headers });
  },
};

export default hooks;
