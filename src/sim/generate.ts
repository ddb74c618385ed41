/**
 * @module sim/generate
 * Draws a Plan from a seed: user behaviour per device (create, edit, tag, count, toggle,
 * delete, resolve, pull to refresh) and the nemesis of the chosen profile. Each device's
 * actions come from its own fork of the generator, so adding a device leaves the others'
 * behaviour unchanged.
 */
import { assert } from '../kernel/assert.ts';
import type { Rng } from '../kernel/rng.ts';
import type { ServerFaultRule } from '../server/index.ts';
import { WORKLOAD_COLLECTIONS, WORKLOAD_FIELDS } from './fields.ts';
import { drawInstanceSteps } from './generate-instances.ts';
import { drawReviewSteps } from './generate-reviews.ts';
import { drawSubscriptionSteps } from './generate-subscriptions.ts';
import { drawNemesis } from './nemesis.ts';
import type { DevicePlan, Plan, ProfileName, Step, StepFieldOp } from './plan.ts';
import { PROFILES } from './profiles.ts';
import { drawReviewBounces } from './review-bounces.ts';

export interface GenerateOptions {
  devices: number;
  /** User actions per device during the chaos phase. */
  opsPerDevice: number;
  profile: ProfileName;
  /** Length of the chaos phase in virtual ms. */
  chaosMs?: number;
}

export const DEVICES_MAX = 10_000;
export const OPS_PER_DEVICE_MAX = 100_000;
export const CHAOS_MS_DEFAULT = 20 * 60_000;

export function deviceIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `d${index + 1}`);
}

export function generatePlan(rng: Rng, options: GenerateOptions): Plan {
  assert(options.devices >= 1 && options.devices <= DEVICES_MAX, `devices must be in 1..${DEVICES_MAX}`);
  assert(options.opsPerDevice >= 0 && options.opsPerDevice <= OPS_PER_DEVICE_MAX, 'opsPerDevice out of range');
  const chaosMs = options.chaosMs ?? CHAOS_MS_DEFAULT;
  const ids = deviceIds(options.devices);
  const devices: DevicePlan[] = ids.map((id) => ({ id }));
  const { instances, subscriptions } = PROFILES[options.profile];
  const reviewBounces: ServerFaultRule[] = [];
  const userSteps = ids.flatMap((id) => {
    const drawn = drawUserSteps(rng.fork(`workload/${id}`), id, options.opsPerDevice, chaosMs);
    const reviews = drawReviewSteps(rng.fork(`reviews/${id}`), id, drawn, chaosMs);
    reviewBounces.push(...drawReviewBounces(rng.fork(`review-bounces/${id}`), id, reviews, options.profile, chaosMs));
    const steps = sortSteps([...drawn, ...reviews]);
    // Only a profile with instances (subscriptions) draws them, from a fork of their own: the others stay as they were.
    const subscribing =
      subscriptions === undefined
        ? []
        : drawSubscriptionSteps(rng.fork(`subscriptions/${id}`), id, subscriptions, chaosMs);
    const withInstances =
      instances === undefined ? steps : drawInstanceSteps(rng.fork(`instances/${id}`), id, steps, instances, chaosMs);
    return [...withInstances, ...subscribing];
  });
  const nemesis = drawNemesis(rng.fork('nemesis'), { devices, profile: options.profile, chaosMs });
  const steps = sortSteps([...userSteps, ...nemesis.steps, { at: chaosMs, do: 'heal' }]);
  return {
    devices,
    profile: options.profile,
    steps: assignRefs(steps),
    networkRules: nemesis.networkRules,
    serverRules: [...nemesis.serverRules, ...reviewBounces],
  };
}

/** Orders steps by time; equal times keep their order (stable sort). */
export function sortSteps(steps: Step[]): Step[] {
  return steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at - b.step.at || a.index - b.index)
    .map((entry) => entry.step);
}

/**
 * Drawn steps name records by per-device placeholders ('d1#3' = the 3rd record device d1
 * created, or a record another device created that d1 refers to). Rewrite them into plan
 * refs in time order: a reference to a record not yet created at that time is dropped.
 */
function assignRefs(steps: Step[]): Step[] {
  const created: string[] = [];
  const out: Step[] = [];
  for (const step of steps) {
    if (step.do === 'create') {
      created.push(step.ref);
      out.push(step);
    } else if ((step.do === 'update' || step.do === 'delete') && step.ref.startsWith('pick:')) {
      if (created.length === 0) continue;
      const fraction = Number(step.ref.slice('pick:'.length));
      // Prefer recent records: square the fraction towards the end of the list.
      const index = Math.min(created.length - 1, Math.floor((1 - fraction * fraction) * created.length));
      out.push({ ...step, ref: created[index] as string });
    } else {
      out.push(step);
    }
  }
  return out;
}

function drawUserSteps(rng: Rng, device: string, count: number, chaosMs: number): Step[] {
  const times = Array.from({ length: count }, () => rng.int(0, chaosMs - 1)).sort((a, b) => a - b);
  let created = 0;
  return times.map((at) => {
    const kind = rng.weighted<Step['do']>([
      ['create', 22],
      ['update', 58],
      ['delete', 6],
      ['resolve', 6],
      ['sync', 8],
    ]);
    const pick = `pick:${rng.next().toFixed(6)}`;
    switch (kind) {
      case 'create':
        created++;
        return {
          at,
          do: 'create',
          device,
          collection: rng.pick(WORKLOAD_COLLECTIONS),
          ref: `${device}r${created}`,
          fields: ['title', ...(rng.chance(0.5) ? ['body'] : []), ...(rng.chance(0.5) ? ['tags'] : [])],
        };
      case 'update':
        return { at, do: 'update', device, ref: pick, ops: drawFieldOps(rng) };
      case 'delete':
        return { at, do: 'delete', device, ref: pick };
      case 'resolve':
        return { at, do: 'resolve', device, choice: rng.pick(['keep-local', 'keep-remote', 'merged'] as const) };
      default:
        return { at, do: 'sync', device };
    }
  });
}

function drawFieldOps(rng: Rng): StepFieldOp[] {
  const count = rng.int(1, 2);
  const fields = rng.shuffle(Object.keys(WORKLOAD_FIELDS)).slice(0, count);
  return fields.map((field): StepFieldOp => {
    switch (WORKLOAD_FIELDS[field]) {
      case 'flag':
        return { op: 'toggle', field };
      case 'set':
        return rng.chance(0.7) ? { op: 'add', field } : { op: 'remove', field };
      case 'counter':
        return { op: 'inc', field, by: rng.int(1, 5) };
      default:
        return { op: 'set', field };
    }
  });
}
