/**
 * @module sim/profiles
 * Fault profiles: how hostile the world is. A profile sets the ambient link behaviour
 * (latency, jitter, random loss) and how often the nemesis schedules device, network and
 * server faults. `calm` has none, `flaky` is a bad mobile day, `hostile` is everything.
 * `apps` is a flaky day on devices that run the app as real apps do: a second instance on
 * the same storage now and then (sim/instances), editing what the first one edits.
 * `partial` is `apps` where devices also change their subscription (partial sync).
 */
import type { LinkProfile } from '../net/index.ts';
import type { ProfileName } from './plan.ts';

export interface NemesisRates {
  /** Offline windows per device per hour of chaos. */
  offlinePerHour: number;
  offlineMsMax: number;
  /** Kills per device per hour (half at random moments, half at crash points). */
  killsPerHour: number;
  partitionsPerHour: number;
  backgroundPerHour: number;
  /** Server fault windows per hour (429, 5xx, expired tokens, paging faults ...). */
  serverFaultsPerHour: number;
  /** Network fault rules per hour (bursts of loss, duplicates, resets on one route). */
  networkFaultsPerHour: number;
  /** Largest clock skew drawn per device, ms (0: none). */
  skewMsMax: number;
  /** Windows per device per hour in which pulls are refused by a gateway (400/409/410/412). */
  pullRefusalsPerHour?: number;
  /** Windows per hour of cursor resets and writes racing an op's answer (cursor-expired, compaction, write-after-apply). */
  cursorFaultsPerHour?: number;
  /** Chance that a review moment (the user settles a conflict) is followed by a bounce of the device's next request (sim/review-bounces). */
  reviewBounceProbability?: number;
}

/** How often a device runs a further instance of its app (sim/generate-instances). */
export interface InstanceRates {
  /** Chance that a device opens a second instance during the run. */
  openProbability: number;
  /** Share of the device's user actions, while the second instance is open, done in it. */
  actionShare: number;
  /** Chance that an edit in one instance is followed shortly by an edit of the same field in the other. */
  echoProbability: number;
  /** Chance that the second instance is killed (alone) once while open. */
  killProbability: number;
}

/** How often a device changes what it syncs (sim/generate-subscriptions). */
export interface SubscriptionRates {
  /** Chance that a device changes its subscription during the run. */
  subscribeProbability: number;
  /** Most subscription changes per device. */
  changesMax: number;
}

export interface Profile {
  name: ProfileName;
  description: string;
  link: Partial<LinkProfile>;
  rates: NemesisRates;
  /** Further app instances per device (absent: one instance per device, as in every profile but `apps`). */
  instances?: InstanceRates;
  /** Subscription changes per device (absent: every device syncs everything, as in every profile but `partial`). */
  subscriptions?: SubscriptionRates;
}

const NO_FAULTS: NemesisRates = {
  offlinePerHour: 0,
  offlineMsMax: 0,
  killsPerHour: 0,
  partitionsPerHour: 0,
  backgroundPerHour: 0,
  serverFaultsPerHour: 0,
  networkFaultsPerHour: 0,
  skewMsMax: 0,
};

/** A bad mobile day's link (flaky, apps). */
const FLAKY_LINK: Partial<LinkProfile> = {
  latencyMs: 50,
  jitterMs: 350,
  requestLossProbability: 0.02,
  responseLossProbability: 0.03,
  duplicateProbability: 0.02,
  resetProbability: 0.02,
  reorderProbability: 0.05,
  reorderDelayMsMax: 2_000,
};

/** A bad mobile day's faults (flaky, apps). */
const FLAKY_RATES: NemesisRates = {
  offlinePerHour: 4,
  offlineMsMax: 10 * 60_000,
  killsPerHour: 6,
  partitionsPerHour: 1,
  backgroundPerHour: 1,
  serverFaultsPerHour: 12,
  networkFaultsPerHour: 3,
  skewMsMax: 0,
  pullRefusalsPerHour: 2,
  cursorFaultsPerHour: 4,
  reviewBounceProbability: 0.5,
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  calm: {
    name: 'calm',
    description: 'A good office network: 20-60 ms, nothing lost, no kills.',
    link: { latencyMs: 20, jitterMs: 40 },
    rates: NO_FAULTS,
  },
  flaky: {
    name: 'flaky',
    description: 'A bad mobile day: 50-400 ms, a few % loss, duplicates and resets, offline spells, kills, 429/5xx.',
    link: FLAKY_LINK,
    rates: FLAKY_RATES,
  },
  hostile: {
    name: 'hostile',
    description: 'Everything at once: slow links, heavy loss, long offline spells, many kills, skewed clocks.',
    link: {
      latencyMs: 100,
      jitterMs: 2_000,
      requestLossProbability: 0.06,
      responseLossProbability: 0.08,
      duplicateProbability: 0.05,
      resetProbability: 0.05,
      reorderProbability: 0.15,
      reorderDelayMsMax: 10_000,
    },
    rates: {
      offlinePerHour: 8,
      offlineMsMax: 4 * 60 * 60_000,
      killsPerHour: 15,
      partitionsPerHour: 3,
      backgroundPerHour: 3,
      serverFaultsPerHour: 30,
      networkFaultsPerHour: 8,
      skewMsMax: 6 * 60 * 60_000,
      pullRefusalsPerHour: 6,
      cursorFaultsPerHour: 12,
      reviewBounceProbability: 0.5,
    },
  },
  apps: {
    name: 'apps',
    description:
      'A bad mobile day (as flaky) on devices that open a second app instance on the same storage, editing the same records.',
    link: FLAKY_LINK,
    rates: FLAKY_RATES,
    instances: { openProbability: 0.7, actionShare: 0.5, echoProbability: 0.4, killProbability: 0.3 },
  },
  partial: {
    name: 'partial',
    description:
      'As apps, and devices change what they sync (subscriptions over the collections and the done flag) during the run.',
    link: FLAKY_LINK,
    rates: FLAKY_RATES,
    instances: { openProbability: 0.5, actionShare: 0.5, echoProbability: 0.4, killProbability: 0.3 },
    subscriptions: { subscribeProbability: 0.8, changesMax: 3 },
  },
};

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}
