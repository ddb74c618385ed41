/**
 * @module realnet/chaos/workload-plan
 * The user behaviour of a real-network run, drawn from a seed as a simulator Plan (so the
 * simulator can run the very same scenario). Unlike the simulator's generator, which
 * explores, this one aims: each device mostly edits records it created itself (so few steps
 * are skipped for want of a record), and most edits increment the `likes` counter, whose
 * final value betrays any write applied twice. Devices also tag and retitle records, touch
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

function deviceSteps(rng: Rng, device: string, count: number, chaosMs: number, othersRefs: () => string[]): Step[] {
  const times = Array.from({ length: count }, () => rng.int(0, chaosMs - 1)).sort((a, b) => a - b);
  const own: string[] = [];
  return times.map((at, index): Step => {
    const kind = index === 0 ? 'create' : rng.weighted<Step['do']>([['create', 18], ['update', 66], ['delete', 4], ['sync', 12]]);
    if (kind === 'create' || own.length === 0) {
      const ref = `${device}r${own.length + 1}`;
      own.push(ref);
      const fields = ['title', ...(rng.chance(0.5) ? ['tags'] : [])];
      return { at, do: 'create', device, collection: rng.pick(WORKLOAD_COLLECTIONS), ref, fields };
    }
    if (kind === 'sync') return { at, do: 'sync', device };
    const others = othersRefs();
    const target = rng.chance(0.2) && others.length > 0 ? rng.pick(others) : own[Math.max(0, own.length - 1 - rng.int(0, 2))]!;
    if (kind === 'delete') return { at, do: 'delete', device, ref: target };
    return { at, do: 'update', device, ref: target, ops: editOps(rng) };
  });
}

export function drawRealPlan(rng: Rng, options: RealPlanOptions): Plan {
  assert(options.devices >= 1 && options.opsPerDevice >= 0 && options.chaosMs >= 1, 'drawRealPlan: bad options');
  const ids = deviceIds(options.devices);
  const created: string[] = [];
  const steps = ids.flatMap((id) => {
    const drawn = deviceSteps(rng.fork(`workload/${id}`), id, options.opsPerDevice, options.chaosMs, () => created);
    for (const step of drawn) if (step.do === 'create') created.push(step.ref);
    return drawn;
  });
  return { devices: ids.map((id) => ({ id })), profile: 'calm', steps: sortSteps(steps), networkRules: [], serverRules: [] };
}
