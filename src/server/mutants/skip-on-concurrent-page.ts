/**
 * @module server/mutants/skip-on-concurrent-page
 * Bug: `GET /changes` pages by offset over a result set that moves. The server keeps the
 * reader's starting cursor and an offset (`WHERE changed > since ORDER BY changed OFFSET n`);
 * a record of an earlier page that changes between two pages moves to the end of the set,
 * every later record shifts down by one, and the next page skips one of them. Without
 * concurrent writes the pages are complete, which is why this bug ships.
 */
import type { ChangesPage } from '../protocol.ts';
import { ROUTES } from '../protocol.ts';
import type { ServerHandle, ServerMutant } from './handle.ts';

const PREFIX = 'skip.';
/** Bound on reference pages read to build one mutant page. */
const INNER_PAGES_MAX = 1_000;

interface Position {
  base: string;
  offset: number;
}

function parsePosition(since: string | null): Position {
  if (since === null || !since.startsWith(PREFIX)) return { base: since ?? '', offset: 0 };
  const rest = since.slice(PREFIX.length);
  const dot = rest.indexOf('.');
  const offset = Number(rest.slice(0, dot));
  if (dot < 0 || !Number.isSafeInteger(offset) || offset < 0) return { base: since, offset: 0 };
  return { base: rest.slice(dot + 1), offset };
}

async function readFrom(next: ServerHandle, request: Request, deviceId: string, base: string, wanted: number) {
  const records: ChangesPage['changes'] = [];
  let cursor = base;
  let page: ChangesPage | undefined;
  for (let pages = 0; pages < INNER_PAGES_MAX && records.length < wanted; pages++) {
    const url = new URL(request.url);
    url.searchParams.set('since', cursor);
    url.searchParams.delete('limit');
    const response = await next(new Request(url, { headers: request.headers }), deviceId);
    if (!response.ok) return { failed: response };
    page = (await response.json()) as ChangesPage;
    records.push(...page.changes);
    cursor = page.next;
    if (!page.hasMore) break;
  }
  return { records, next: cursor, hasMore: page?.hasMore ?? false };
}

export const skipOnConcurrentPage: ServerMutant = {
  name: 'skip-on-concurrent-page',
  description:
    'Pages GET /changes by offset from the first cursor: a write between pages makes the next page skip a change.',
  invariant: 'convergence',
  breaks: 'complete-paging',
  wrap(next) {
    return async (request, deviceId) => {
      const url = new URL(request.url);
      const plain = url.searchParams.has('checkpoint') || url.searchParams.has('live');
      if (request.method !== 'GET' || url.pathname !== ROUTES.changes || plain) return next(request, deviceId);
      const limit = Number(url.searchParams.get('limit') ?? '100');
      if (!Number.isSafeInteger(limit) || limit < 1) return next(request, deviceId);
      const position = parsePosition(url.searchParams.get('since'));
      const read = await readFrom(next, request, deviceId, position.base, position.offset + limit + 1);
      if ('failed' in read) return read.failed as Response;
      const changes = read.records.slice(position.offset, position.offset + limit);
      const hasMore = read.records.length > position.offset + limit || read.hasMore;
      const nextCursor = hasMore ? `${PREFIX}${position.offset + changes.length}.${position.base}` : read.next;
      const body: ChangesPage = { changes, next: nextCursor, hasMore };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
  },
};
