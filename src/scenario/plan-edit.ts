/**
 * @module scenario/plan-edit
 * Edits of a Plan that keep it runnable, for the shrinker: take away steps and fault
 * rules ("atoms"), a device with everything that names it, or simplify one step. After an
 * edit, steps that lost their reason to exist go too: an update of a record whose create
 * step was removed, a step or rule naming a removed device.
 */
import type { Plan, Step } from '../sim/plan.ts';

/** One removable piece of a plan: a step, a network rule or a server rule, by index. */
export type Atom = { list: 'steps' | 'networkRules' | 'serverRules'; index: number };

export function atomsOf(plan: Plan): Atom[] {
  return [
    ...plan.steps.map((_, index): Atom => ({ list: 'steps', index })),
    ...plan.networkRules.map((_, index): Atom => ({ list: 'networkRules', index })),
    ...plan.serverRules.map((_, index): Atom => ({ list: 'serverRules', index })),
  ];
}

/** The plan without the given atoms, tidied. */
export function withoutAtoms(plan: Plan, atoms: readonly Atom[]): Plan {
  const removed = { steps: new Set<number>(), networkRules: new Set<number>(), serverRules: new Set<number>() };
  for (const atom of atoms) removed[atom.list].add(atom.index);
  return tidy({
    ...plan,
    steps: plan.steps.filter((_, index) => !removed.steps.has(index)),
    networkRules: plan.networkRules.filter((_, index) => !removed.networkRules.has(index)),
    serverRules: plan.serverRules.filter((_, index) => !removed.serverRules.has(index)),
  });
}

/** The plan without device `id`, its steps and the rules that name it. */
export function withoutDevice(plan: Plan, id: string): Plan {
  return tidy({ ...plan, devices: plan.devices.filter((device) => device.id !== id) });
}

/** Steps in the order the simulator runs them: by time, then position. */
function runOrder(steps: readonly Step[]): number[] {
  return steps.map((_, index) => index).sort((a, b) => (steps[a] as Step).at - (steps[b] as Step).at || a - b);
}

/** Drops steps and rules that name undeclared devices, and uses of refs no earlier step creates. */
export function tidy(plan: Plan): Plan {
  const declared = new Set(plan.devices.map((device) => device.id));
  const named = (device: string | undefined) => device === undefined || declared.has(device);
  const steps = plan.steps.filter((step) => !('device' in step) || declared.has(step.device));
  const keep = new Set<number>();
  const created = new Set<string>();
  for (const index of runOrder(steps)) {
    const step = steps[index] as Step;
    if (step.do === 'create') {
      if (created.has(step.ref)) continue;
      created.add(step.ref);
    }
    if ((step.do === 'update' || step.do === 'delete' || step.do === 'server-write') && !created.has(step.ref))
      continue;
    keep.add(index);
  }
  return {
    ...plan,
    steps: steps.filter((_, index) => keep.has(index)),
    networkRules: plan.networkRules.filter((rule) => named(rule.match.device)),
    serverRules: plan.serverRules.filter((rule) => named(rule.match.device)),
  };
}

/** Simpler versions of one step (fewer field ops, fewer fields, a plain kill), if any. */
export function simplerSteps(step: Step): Step[] {
  switch (step.do) {
    case 'update':
    case 'server-write':
      return step.ops.length > 1 ? step.ops.map((op) => ({ ...step, ops: [op] })) : [];
    case 'create':
      return step.fields.length > 1 ? [{ ...step, fields: step.fields.slice(0, 1) }] : [];
    case 'kill': {
      if (step.point === undefined) return [];
      const { point: _point, ...plain } = step;
      return [plain];
    }
    default:
      return [];
  }
}

/** Plans that differ from `plan` by one simplification: a step's, a device's, or a rule's. */
export function simplerPlans(plan: Plan): Plan[] {
  const out: Plan[] = [];
  plan.steps.forEach((step, index) => {
    for (const simpler of simplerSteps(step))
      out.push({ ...plan, steps: plan.steps.map((s, i) => (i === index ? simpler : s)) });
  });
  plan.devices.forEach((device, index) => {
    if (device.skewMs === undefined && device.link === undefined) return;
    const plain = { id: device.id, ...(device.offline ? { offline: true } : {}) };
    out.push({ ...plan, devices: plan.devices.map((d, i) => (i === index ? plain : d)) });
  });
  plan.networkRules.forEach((rule, index) => {
    if (rule.match.probability === undefined || rule.match.probability === 1) return;
    const { probability: _probability, ...match } = rule.match;
    out.push({ ...plan, networkRules: plan.networkRules.map((r, i) => (i === index ? { ...rule, match } : r)) });
  });
  plan.serverRules.forEach((rule, index) => {
    if (rule.match.probability === undefined || rule.match.probability === 1) return;
    const { probability: _probability, ...match } = rule.match;
    out.push({ ...plan, serverRules: plan.serverRules.map((r, i) => (i === index ? { ...rule, match } : r)) });
  });
  return out;
}

/**
 * Renames record refs to r1, r2 … in creation order, so a shrunk plan reads cleanly.
 * Refs are symbolic (ids are minted by the client), so this does not change what runs.
 */
export function renumberRefs(plan: Plan): Plan {
  const names = new Map<string, string>();
  for (const index of runOrder(plan.steps)) {
    const step = plan.steps[index] as Step;
    if (step.do === 'create' && !names.has(step.ref)) names.set(step.ref, `r${names.size + 1}`);
  }
  const steps = plan.steps.map((step): Step => {
    if (step.do === 'create' || step.do === 'update' || step.do === 'delete' || step.do === 'server-write') {
      return { ...step, ref: names.get(step.ref) ?? step.ref };
    }
    return step;
  });
  return { ...plan, steps };
}
