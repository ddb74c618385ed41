/**
 * @module sim/review-bounces
 * Faults aimed at the moment a user settles a conflict: after some review moments
 * (sim/generate-reviews) the device's next request within a few seconds bounces once (a
 * spurious 409, a 503 or a 429), so the op that carries the user's choice (a restore of a
 * version kept after a delete, a delete sent again, a chosen value) meets a failure as
 * ops do on a bad day. Faults spread uniformly over the chaos phase almost never land on
 * that op, and what a client does with a bounced resolution went untested. Like any drawn
 * fault, each bounce is a server rule the shrinker can remove; a review that finds no
 * conflict only bounces an ordinary request.
 */
import type { Rng } from '../kernel/rng.ts';
import type { ServerFault, ServerFaultRule } from '../server/index.ts';
import type { ProfileName, Step } from './plan.ts';
import { PROFILES } from './profiles.ts';

const BOUNCE_WINDOW_MS_MIN = 2_000;
const BOUNCE_WINDOW_MS_MAX = 20_000;

const BOUNCES: readonly (readonly [(rng: Rng) => ServerFault, number])[] = [
  [() => ({ type: 'spurious-409' }), 2],
  [() => ({ type: '503' }), 2],
  [(rng) => ({ type: '429', retryAfterS: rng.int(1, 10) }), 1],
];

/** One-shot bounces of the device's next request after some of its review moments. */
export function drawReviewBounces(
  rng: Rng,
  device: string,
  reviews: readonly Step[],
  profile: ProfileName,
  chaosMs: number,
): ServerFaultRule[] {
  const probability = PROFILES[profile].rates.reviewBounceProbability ?? 0;
  if (probability === 0) return [];
  const rules: ServerFaultRule[] = [];
  for (const review of reviews) {
    if (!rng.chance(probability)) continue;
    const untilMs = Math.min(chaosMs, review.at + rng.int(BOUNCE_WINDOW_MS_MIN, BOUNCE_WINDOW_MS_MAX));
    const fault = rng.weighted(BOUNCES)(rng);
    rules.push({
      id: `review-${device}-${rules.length}`,
      match: { device, fromMs: review.at, untilMs },
      fault,
      times: 1,
    });
  }
  return rules;
}
