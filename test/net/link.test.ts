// Goal: link profiles validate and merge; the per-exchange draws respect the profile and
// cost no draw for a disabled fault. Method: call the pure functions of net/link directly.
import { describe, expect, test } from 'vitest';
import { AssertionError } from '../../src/kernel/assert.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { drawLink, LINK_DEFAULT, legDelayMs, linkProfile } from '../../src/net/link.ts';

describe('link profiles', () => {
  test('a patch changes only the fields it names', () => {
    const profile = linkProfile(LINK_DEFAULT, { latencyMs: 300, duplicateProbability: 0.5 });
    expect(profile).toEqual({ ...LINK_DEFAULT, latencyMs: 300, duplicateProbability: 0.5 });
    expect(linkProfile(profile, {})).toEqual(profile);
  });

  test('bad values are programmer errors', () => {
    expect(() => linkProfile(LINK_DEFAULT, { latencyMs: -1 })).toThrow(AssertionError);
    expect(() => linkProfile(LINK_DEFAULT, { jitterMs: 1.5 })).toThrow(AssertionError);
    expect(() => linkProfile(LINK_DEFAULT, { resetProbability: 1.1 })).toThrow(AssertionError);
    expect(() => linkProfile(LINK_DEFAULT, { speed: 1 } as never)).toThrow(/unknown field 'speed'/);
  });

  test('leg delays stay within latency ± jitter and never go below 0', () => {
    const rng = new Rng('legs');
    const wide = linkProfile(LINK_DEFAULT, { latencyMs: 10, jitterMs: 50 });
    for (let i = 0; i < 500; i++) {
      const delay = legDelayMs(rng, wide);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(60);
    }
  });

  test('a quiet link draws nothing but jitter; faults off draws no fault', () => {
    const quiet = linkProfile(LINK_DEFAULT, { jitterMs: 0 });
    const rng = new Rng('quiet');
    expect(drawLink(rng, quiet, true)).toEqual({
      requestDelayMs: 20,
      responseDelayMs: 20,
      fault: undefined,
      reorderDelayMs: 0,
    });
    expect(rng.next()).toBe(new Rng('quiet').next());
    const lossy = linkProfile(LINK_DEFAULT, { requestLossProbability: 1, reorderProbability: 1 });
    expect(drawLink(new Rng('x'), lossy, false).fault).toBeUndefined();
    expect(drawLink(new Rng('x'), lossy, true).fault).toBe('drop-request');
  });
});
