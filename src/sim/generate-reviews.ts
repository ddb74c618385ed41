/**
 * @module sim/generate-reviews
 * Draws when a user looks at what needs review and settles it: a user who pulls to refresh
 * often looks at the records marked "needs review" right after, and users open that list now
 * and then. Each moment is a `resolve` step (the executor resolves the device's first open
 * conflict, or skips when there is none). Without these moments most drawn resolves find no
 * conflict open, and a conflict surfaced during the chaos phase is rarely settled while
 * faults are still on, so what a client does with a resolution under faults (a restore that
 * bounces, a re-sent delete that is lost) went untested. Draws come from a fork of their own,
 * so the device's other user actions stay as they were.
 */
import type { Rng } from '../kernel/rng.ts';
import type { Step } from './plan.ts';

/** Chance that a user's own sync (pull to refresh) is followed by a look at what needs review. */
const REVIEW_AFTER_SYNC_PROBABILITY = 0.5;
/** Review moments per hour of chaos not tied to a sync (the user opens the list). */
const REVIEWS_PER_HOUR = 6;
const REVIEW_DELAY_MS_MIN = 1_000;
const REVIEW_DELAY_MS_MAX = 30_000;
const HOUR_MS = 60 * 60_000;

const CHOICES = ['keep-local', 'keep-remote', 'merged'] as const;

function review(rng: Rng, device: string, at: number): Step {
  return { at, do: 'resolve', device, choice: rng.pick(CHOICES) };
}

/** The review moments of one device, given its other user steps (the steps themselves are not returned). */
export function drawReviewSteps(rng: Rng, device: string, userSteps: readonly Step[], chaosMs: number): Step[] {
  const reviews: Step[] = [];
  for (const step of userSteps) {
    if (step.do !== 'sync' || !rng.chance(REVIEW_AFTER_SYNC_PROBABILITY)) continue;
    const at = step.at + rng.int(REVIEW_DELAY_MS_MIN, REVIEW_DELAY_MS_MAX);
    if (at < chaosMs) reviews.push(review(rng, device, at));
  }
  const mean = (REVIEWS_PER_HOUR * chaosMs) / HOUR_MS;
  const count = Math.floor(mean) + (rng.chance(mean - Math.floor(mean)) ? 1 : 0);
  for (let index = 0; index < count; index++) reviews.push(review(rng, device, rng.int(0, chaosMs - 1)));
  return reviews;
}
