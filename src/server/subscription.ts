/**
 * @module server/subscription
 * Per-device subscriptions (partial sync): which records a device syncs. A subscription is a
 * list of rules; a record is in it when one rule names its collection and, if the rule names
 * a field, the record's field holds one of the rule's values (for a set field: one member
 * does). Collections no rule names are not synced. No subscription at all (absent, `null`)
 * means everything, as before subscriptions existed.
 *
 * ```json
 * [{ "collection": "tasks", "field": "project", "values": ["X", "Y"] }, { "collection": "notes" }]
 * ```
 *
 * The server filters pulls by it (docs/protocol.md, "Subscriptions"), the reference client
 * sends it and prunes what it excludes, the simulator and the checkers judge a device against
 * the server's state restricted to it. Pure functions, shared by every layer above.
 */
import { z } from 'zod';
import type { Fields, Scalar } from './protocol.ts';

/** One rule: the records of `collection`, all of them or those whose `field` holds one of `values`. */
export interface SubscriptionRule {
  collection: string;
  field?: string;
  values?: Scalar[];
}

/** A device's subscription: the union of its rules. */
export type Subscription = SubscriptionRule[];

/** Query parameter of `/changes` and `/snapshot` that carries a subscription, as JSON. */
export const SUBSCRIPTION_PARAM = 'subscription';

/** Bounds: rules per subscription, values per rule. */
export const SUBSCRIPTION_RULES_MAX = 64;
export const SUBSCRIPTION_VALUES_MAX = 256;

const scalar = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);

export const subscriptionRuleSchema = z
  .strictObject({
    collection: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a collection name'),
    field: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be a field name')
      .refine((name) => name !== '__proto__', 'reserved field name')
      .optional(),
    values: z.array(scalar).min(1).max(SUBSCRIPTION_VALUES_MAX).optional(),
  })
  .refine((rule) => (rule.field === undefined) === (rule.values === undefined), {
    message: 'field and values go together: name both, or neither for the whole collection',
  })
  .describe('Records of `collection`: all of them, or those whose `field` holds one of `values`.');

export const subscriptionSchema = z
  .array(subscriptionRuleSchema)
  .max(SUBSCRIPTION_RULES_MAX)
  .describe('Rules; a record is in the subscription when one rule takes it. Collections no rule names are not synced.');

function ruleTakes(rule: SubscriptionRule, collection: string, fields: Fields): boolean {
  if (rule.collection !== collection) return false;
  if (rule.field === undefined || rule.values === undefined) return true;
  const held = Object.hasOwn(fields, rule.field) ? fields[rule.field] : null;
  const values = rule.values;
  if (Array.isArray(held)) return held.some((member) => values.includes(member));
  return values.includes(held ?? null);
}

/** Whether a live record with these fields is in the subscription (undefined/null: everything is). */
export function inSubscription(
  subscription: Subscription | null | undefined,
  collection: string,
  fields: Fields,
): boolean {
  if (subscription === undefined || subscription === null) return true;
  return subscription.some((rule) => ruleTakes(rule, collection, fields));
}

/** Whether the subscription names the collection at all (its tombstones are handed out). */
export function subscribesTo(subscription: Subscription | null | undefined, collection: string): boolean {
  if (subscription === undefined || subscription === null) return true;
  return subscription.some((rule) => rule.collection === collection);
}

function ruleCovers(wide: SubscriptionRule, narrow: SubscriptionRule): boolean {
  if (wide.collection !== narrow.collection) return false;
  if (wide.field === undefined) return true;
  if (narrow.field !== wide.field || narrow.values === undefined) return false;
  const values = wide.values ?? [];
  return narrow.values.every((value) => values.includes(value));
}

/**
 * Whether every record `next` takes, `previous` took too (a narrowing or the same). When not,
 * the subscription widened: the records of the new part may be older than the device's
 * cursor, so a client must fetch them from the start, not from its checkpoint.
 */
export function subscriptionCovers(
  previous: Subscription | null | undefined,
  next: Subscription | null | undefined,
): boolean {
  if (previous === undefined || previous === null) return true;
  if (next === undefined || next === null) return false;
  return next.every((rule) => previous.some((wide) => ruleCovers(wide, rule)));
}

/** The subscription a query parameter carries: undefined when absent, an error reason when malformed. */
export function parseSubscriptionParam(text: string | null): Subscription | null | undefined | { error: string } {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'invalid-json' };
  }
  if (value === null) return null;
  const parsed = subscriptionSchema.safeParse(value);
  return parsed.success ? (parsed.data as Subscription) : { error: 'invalid-value' };
}
