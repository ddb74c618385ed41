/**
 * @module server/handlers/snapshot
 * `GET /snapshot?cursor=<cursor>&limit=<n>`: every record (tombstones included) in creation
 * order, paged; `{changes, next, hasMore, since}`. `since` is the `/changes` cursor taken when
 * the snapshot started: pull from it after the last page to catch writes made meanwhile.
 */
import { decodeSnapshotCursor, type SnapshotPosition } from '../cursors.ts';
import { buildPage } from '../pages.ts';
import type { RouteSpec } from '../pipeline.ts';
import { ROUTES } from '../protocol.ts';
import { badRequestReply } from '../responses.ts';
import type { Subscription } from '../subscription.ts';
import { badRequest } from '../validation.ts';
import { isReply, parseLimit, parseSubscription, queryOf } from './query.ts';

export interface SnapshotInput {
  position: SnapshotPosition;
  limit: number;
  subscription?: Subscription;
}

export const snapshotRoute: RouteSpec<SnapshotInput> = {
  route: 'snapshot',
  method: 'GET',
  path: ROUTES.snapshot,
  auth: true,
  async parse(context, request) {
    const params = queryOf(request);
    const limit = parseLimit(params, context.config.pageLimitMax);
    if (isReply(limit)) return { ok: false, reply: limit };
    const subscription = parseSubscription(params);
    if (isReply(subscription)) return { ok: false, reply: subscription };
    const { store } = context;
    const position = decodeSnapshotCursor(params.get('cursor') ?? '', store.lastSeq, store.count);
    if (position === undefined) return { ok: false, reply: badRequestReply(badRequest('bad-cursor', 'cursor')) };
    return { ok: true, value: { position, limit, ...(subscription === undefined ? {} : { subscription }) } };
  },
  kinds: () => [],
  run: (context, device, input, request) =>
    buildPage(
      context,
      device,
      'snapshot',
      { mode: 'snapshot', position: input.position },
      input.limit,
      new URL(request.url).searchParams,
      input.subscription,
    ),
};
