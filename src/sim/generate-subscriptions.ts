/**
 * @module sim/generate-subscriptions
 * Draws when a device changes what it syncs (profile `partial`): a few `subscribe` steps at
 * random times, each picking one subscription of a small menu over the workload's two
 * collections and its flag field `done` (the workload toggles it, so records move in and
 * out of a subscription during the run; written text values are unique tokens, so no text
 * field could group records). Draws come from the device's own fork, so the other devices'
 * draws, and every profile without subscriptions, stay as they were.
 */
import type { Rng } from '../kernel/rng.ts';
import type { Subscription } from '../server/subscription.ts';
import type { Step } from './plan.ts';
import type { SubscriptionRates } from './profiles.ts';

/** The subscriptions the fuzzer picks from (null: everything). */
export const DRAWN_SUBSCRIPTIONS: readonly (Subscription | null)[] = Object.freeze([
  null,
  [{ collection: 'tasks' }],
  [{ collection: 'notes' }],
  [{ collection: 'tasks', field: 'done', values: [false] }],
  [{ collection: 'notes' }, { collection: 'tasks', field: 'done', values: [false] }],
  [{ collection: 'notes', field: 'done', values: [true] }, { collection: 'tasks' }],
]);

/** The device's subscribe steps; the instance they run on is the device's own (instance 1). */
export function drawSubscriptionSteps(rng: Rng, device: string, rates: SubscriptionRates, chaosMs: number): Step[] {
  if (!rng.chance(rates.subscribeProbability)) return [];
  const count = rng.int(1, rates.changesMax);
  const steps: Step[] = [];
  for (let index = 0; index < count; index++) {
    const at = rng.int(0, chaosMs - 1);
    steps.push({ at, do: 'subscribe', device, subscription: rng.pick(DRAWN_SUBSCRIPTIONS) });
  }
  return steps.sort((a, b) => a.at - b.at);
}
