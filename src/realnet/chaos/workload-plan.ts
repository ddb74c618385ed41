/**
 * @module realnet/chaos/workload-plan
 * The user behaviour of a real-network run, drawn from a seed as a simulator Plan (so the
 * simulator can run the very same scenario). Unlike the simulator's generator, which
 * explores, this one aims: each device creates its first records early, then mostly edits
 * records it created itself (so few steps are skipped for want of a record), and most edits
 * increment the `likes` counter, whose final value betrays any write applied twice. Devices also tag and retitle records, touch
 * each other's records, delete a few and pull to refresh.
 */
import { assert } from '../../kernel/assert.ts';
import type { Rng } from '../../kernel/rng.ts';
import { WORKLOAD_COLLECTIONS } from '../../sim/fields.ts';
import { deviceIds, sortSteps } from '../../sim/generate.ts';
import type { Plan, Step, StepFieldOp } from '../../sim/plan.ts';

export interface RealPlanOptions {
  devices: number;
  opsPerDevice: number;
  /** Length of the chaos phase in run-time ms. */
  chaosMs: number;
  /** Collections records are created in (default: the simulator's). */
  collections?: readonly string[];
}

function editOps(rng: Rng): StepFieldOp[] {
  const ops: StepFieldOp[] = [];
  if (rng.chance(0.8)) ops.push({ op: 'inc', field: 'likes', by: rng.int(1, 5) });
  const extra = rng.weighted<StepFieldOp | undefined>([
    [{ op: 'set', field: 'title' }, 2],
    [{ op: 'add', field: 'tags' }, 2],
    [{ op: 'toggle', field: 'done' }, 1],
    [undefined, ops.length === 0 ? 0 : 3],
  ]);
  if (extra !== undefined) ops.push(extra);
  return ops;
}

/** Share of a device's steps that create its first records, early in the run. */
const EARLY_CREATES_SHARE = 0.15;
/** The early creates happen within this share of the chaos phase. */
const EARLY_PHASE_SHARE = 0.1;

function deviceSteps(rng: Rng, device: string, options: RealPlanOptions, othersRefs: () => string[]): Step[] {
  const { opsPerDevice: count, chaosMs } = options;
  const collections = options.collections ?? WORKLOAD_COLLECTIONS;
  const early = Math.min(count, Math.max(1, Math.round(count * EARLY_CREATES_SHARE)));
  const earlyEndMs = Math.max(1, Math.floor(chaosMs * EARLY_PHASE_SHARE));
  const earlyTimes = Array.from({ length: early }, () => rng.int(0, earlyEndMs - 1)).sort((a, b) => a - b);
  const lateTimes = Array.from({ length: count - early }, () => rng.int(earlyEndMs, Math.max(earlyEndMs, chaosMs - 1)));
  const own: string[] = [];
  const create = (at: number): Step => {
    const ref = `${device}r${own.length + 1}`;
    own.push(ref);
    const fields = ['title', ...(rng.chance(0.5) ? ['tags'] : [])];
    return { at, do: 'create', device, collection: rng.pick(collections), ref, fields };
  };
  const first = earlyTimes.map(create);
  const later = lateTimes
    .sort((a, b) => a - b)
    .map((at): Step => {
      const kind = rng.weighted<Step['do']>([
        ['create', 6],
        ['update', 80],
        ['delete', 3],
        ['sync', 11],
      ]);
      if (kind === 'create') return create(at);
      if (kind === 'sync') return { at, do: 'sync', device };
      const others = othersRefs();
      const target =
        rng.chance(0.2) && others.length > 0 ? rng.pick(others) : own[Math.max(0, own.length - 1 - rng.int(0, 2))]!;
      if (kind === 'delete') return { at, do: 'delete', device, ref: target };
      return { at, do: 'update', device, ref: target, ops: editOps(rng) };
    });
  return [...first, ...later];
}

export function drawRealPlan(rng: Rng, options: RealPlanOptions): Plan {
  assert(options.devices >= 1 && options.opsPerDevice >= 0 && options.chaosMs >= 1, 'drawRealPlan: bad options');
  assert((options.collections ?? WORKLOAD_COLLECTIONS).length > 0, 'drawRealPlan: no collection');
  const ids = deviceIds(options.devices);
  const created: string[] = [];
  const steps = ids.flatMap((id) => {
    const drawn = deviceSteps(rng.fork(`workload/${id}`), id, options, () => created);
    for (const step of drawn) if (step.do === 'create') created.push(step.ref);
    return drawn;
  });
  return {
    devices: ids.map((id) => ({ id })),
    profile: 'calm',
    steps: sortSteps(steps),
    networkRules: [],
    serverRules: [],
  };
}
