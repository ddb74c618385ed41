/**
 * @module net/link
 * Link profiles and what one exchange draws from its device's stream when it is sent: the
 * delay of each leg and which random link fault, if any, hits it. Every draw is made at
 * send time in a fixed order, so the draws do not depend on how long the server takes.
 */
import { assert } from '../kernel/assert.ts';
import type { Rng } from '../kernel/rng.ts';
import type { LinkProfile } from './types.ts';

export const LINK_DEFAULT: Readonly<LinkProfile> = Object.freeze({
  latencyMs: 20,
  jitterMs: 5,
  requestLossProbability: 0,
  responseLossProbability: 0,
  duplicateProbability: 0,
  resetProbability: 0,
  reorderProbability: 0,
  reorderDelayMsMax: 200,
});

const PROBABILITY_FIELDS = [
  'requestLossProbability',
  'responseLossProbability',
  'duplicateProbability',
  'resetProbability',
  'reorderProbability',
] as const;

/** `base` with `patch` applied, validated. Unknown fields are a programmer error. */
export function linkProfile(base: Readonly<LinkProfile>, patch: Partial<LinkProfile> = {}): LinkProfile {
  for (const key of Object.keys(patch)) {
    assert(key in LINK_DEFAULT, `LinkProfile: unknown field '${key}'`);
  }
  const profile: LinkProfile = { ...base };
  for (const [key, value] of Object.entries(patch) as [keyof LinkProfile, number | undefined][]) {
    if (value !== undefined) profile[key] = value;
  }
  for (const key of ['latencyMs', 'jitterMs', 'reorderDelayMsMax'] as const) {
    assert(Number.isInteger(profile[key]), `LinkProfile.${key} must be an integer, got ${profile[key]}`);
    assert(profile[key] >= 0, `LinkProfile.${key} must be >= 0, got ${profile[key]}`);
  }
  for (const key of PROBABILITY_FIELDS) {
    const value = profile[key];
    assert(typeof value === 'number' && value >= 0 && value <= 1, `LinkProfile.${key} ${value} outside [0, 1]`);
  }
  return profile;
}

/** A random link fault; at most one per exchange. */
export type LinkFault = 'drop-request' | 'drop-response' | 'duplicate' | 'reset';

export interface LinkDraw {
  requestDelayMs: number;
  responseDelayMs: number;
  fault: LinkFault | undefined;
  /** Extra response delay of a reorder, 0 when none. */
  reorderDelayMs: number;
}

/** One leg's delay: latency ± jitter, never negative. Draws nothing when jitter is 0. */
export function legDelayMs(rng: Rng, profile: LinkProfile): number {
  if (profile.jitterMs === 0) return profile.latencyMs;
  return Math.max(0, profile.latencyMs + rng.int(-profile.jitterMs, profile.jitterMs));
}

/**
 * Draws an exchange's leg delays and, when `faults` is true, its random link fault and
 * reorder delay. A fault with probability 0 costs no draw.
 */
export function drawLink(rng: Rng, profile: LinkProfile, faults: boolean): LinkDraw {
  const requestDelayMs = legDelayMs(rng, profile);
  const responseDelayMs = legDelayMs(rng, profile);
  if (!faults) return { requestDelayMs, responseDelayMs, fault: undefined, reorderDelayMs: 0 };
  let fault: LinkFault | undefined;
  if (rng.chance(profile.requestLossProbability)) fault = 'drop-request';
  else if (rng.chance(profile.duplicateProbability)) fault = 'duplicate';
  else if (rng.chance(profile.responseLossProbability)) fault = 'drop-response';
  else if (rng.chance(profile.resetProbability)) fault = 'reset';
  let reorderDelayMs = 0;
  if (rng.chance(profile.reorderProbability) && profile.reorderDelayMsMax > 0) {
    reorderDelayMs = rng.int(1, profile.reorderDelayMsMax);
  }
  return { requestDelayMs, responseDelayMs, fault, reorderDelayMs };
}
