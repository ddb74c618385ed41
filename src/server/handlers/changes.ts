/**
 * @module server/handlers/changes
 * `GET /changes?since=<cursor>&limit=<n>` (cursor mode, the default) or
 * `GET /changes?checkpoint=<updatedAtServer:collection:id>&limit=<n>` (checkpoint mode):
 * records changed after the position, tombstones included, `{changes, next, hasMore}`.
 * `live=true` holds an empty answer (in virtual time) until a change exists or
 * `longPollTimeoutMs` passes; the timeout answer is an empty page with `next` unchanged.
 * A cursor the server has forgotten is answered 410 `resync-required` (cursor-reset.ts).
 * `subscription=<json>` filters the page (filtered-pages.ts).
 */
import { cursorReset } from '../cursor-reset.ts';
import { decodeCheckpoint, decodeSeqCursor } from '../cursors.ts';
import { buildPage, type PageQuery, pageHasRecords } from '../pages.ts';
import type { RouteSpec } from '../pipeline.ts';
import { ROUTES } from '../protocol.ts';
import { badRequestReply } from '../responses.ts';
import type { Subscription } from '../subscription.ts';
import { badRequest } from '../validation.ts';
import { isReply, parseFlag, parseLimit, parseSubscription, queryOf } from './query.ts';

export interface ChangesInput {
  query: PageQuery;
  limit: number;
  live: boolean;
  /** The device's subscription, if the pull carries one. */
  subscription?: Subscription;
}

export const changesRoute: RouteSpec<ChangesInput> = {
  route: 'changes',
  method: 'GET',
  path: ROUTES.changes,
  auth: true,
  async parse(context, request) {
    const params = queryOf(request);
    const limit = parseLimit(params, context.config.pageLimitMax);
    if (isReply(limit)) return { ok: false, reply: limit };
    const live = parseFlag(params, 'live');
    if (isReply(live)) return { ok: false, reply: live };
    const subscription = parseSubscription(params);
    if (isReply(subscription)) return { ok: false, reply: subscription };
    const since = params.get('since');
    const checkpoint = params.get('checkpoint');
    if (since !== null && checkpoint !== null) {
      return { ok: false, reply: badRequestReply(badRequest('conflicting-params', 'checkpoint')) };
    }
    let query: PageQuery;
    if (checkpoint !== null) {
      const after = decodeCheckpoint(checkpoint);
      if (after === undefined) return { ok: false, reply: badRequestReply(badRequest('bad-cursor', 'checkpoint')) };
      query = { mode: 'checkpoint', after };
    } else {
      const seq = decodeSeqCursor(since ?? '', context.store.lastSeq);
      if (seq === undefined) return { ok: false, reply: badRequestReply(badRequest('bad-cursor', 'since')) };
      query = { mode: 'cursor', since: seq };
    }
    return { ok: true, value: { query, limit, live, ...(subscription === undefined ? {} : { subscription }) } };
  },
  kinds: () => [],
  async run(context, device, input, request) {
    const reset = input.query.mode === 'cursor' ? cursorReset(context, device, input.query.since) : undefined;
    if (reset !== undefined) return reset;
    const { subscription } = input;
    if (input.live && !pageHasRecords(context, input.query, subscription)) {
      await context.longPoll.wait(
        () => pageHasRecords(context, input.query, subscription),
        context.config.longPollTimeoutMs,
        request.signal,
      );
    }
    const params = new URL(request.url).searchParams;
    return buildPage(context, device, 'changes', input.query, input.limit, params, subscription);
  },
};
