/**
 * @module server/handlers/query
 * Query-string parameters shared by `/changes` and `/snapshot`.
 */
import type { ServerRequest } from '../pipeline.ts';
import { badRequestReply, type Reply } from '../responses.ts';
import { parseSubscriptionParam, SUBSCRIPTION_PARAM, type Subscription } from '../subscription.ts';
import { badRequest } from '../validation.ts';

const LIMIT = /^[1-9]\d{0,8}$/;

export function queryOf(request: ServerRequest): URLSearchParams {
  return new URL(request.url).searchParams;
}

/** `limit`: a positive integer, clamped to `pageLimitMax`; absent means `pageLimitMax`. */
export function parseLimit(params: URLSearchParams, pageLimitMax: number): number | Reply {
  const text = params.get('limit');
  if (text === null) return pageLimitMax;
  if (!LIMIT.test(text)) return badRequestReply(badRequest('bad-limit', 'limit'));
  return Math.min(Number(text), pageLimitMax);
}

/** A boolean flag: absent, `false` or `0` is false; `true` or `1` is true. */
export function parseFlag(params: URLSearchParams, name: string): boolean | Reply {
  const text = params.get(name);
  if (text === null || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  return badRequestReply(badRequest(`bad-${name}`, name));
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value;
}

/**
 * `subscription`: a JSON subscription (server/subscription.ts); absent or `null` means
 * everything. Malformed: 400 `bad-subscription`.
 */
export function parseSubscription(params: URLSearchParams): Subscription | undefined | Reply {
  const parsed = parseSubscriptionParam(params.get(SUBSCRIPTION_PARAM));
  if (parsed === null || parsed === undefined) return undefined;
  if ('error' in parsed) return badRequestReply(badRequest('bad-subscription', SUBSCRIPTION_PARAM));
  return parsed;
}
