/**
 * @module bench/steps
 * Small helpers that write the benchmark's workloads as plan steps: a typing burst (edits
 * to one record with the gaps a person leaves between keystrokes), a create followed by
 * edits, a plan with a heal step after the last user action. Pure; no randomness: every
 * workload is the same Plan on every run, and the seed only drives the world around it.
 */
import { assert } from '../kernel/assert.ts';
import { type DevicePlan, type Plan, type ProfileName, type Step, type StepFieldOp, sortSteps } from '../sim/index.ts';

/** Bound on the steps one workload may hold (a typo in a loop bound should not build a million). */
export const WORKLOAD_STEPS_MAX = 1_000;

/** Gaps between keystroke-sized edits, in ms: mostly under the client's debounce, a few pauses over it. */
export const TYPING_GAPS_MS: readonly number[] = [120, 180, 90, 300, 150, 110, 400, 130];

export interface BurstOptions {
  device: string;
  ref: string;
  /** Virtual ms of the first edit. */
  at: number;
  /** Number of edits in the burst. */
  count: number;
  /** Field ops of the n-th edit of the burst. */
  ops: (index: number) => StepFieldOp[];
  /** Gaps between consecutive edits (cycled); default TYPING_GAPS_MS. */
  gapsMs?: readonly number[];
}

/** A burst of updates to one record; returns the steps and the time of the last one. */
export function burst(options: BurstOptions): { steps: Step[]; lastAt: number } {
  assert(options.count >= 1, `burst: count must be >= 1, got ${options.count}`);
  const gaps = options.gapsMs ?? TYPING_GAPS_MS;
  assert(gaps.length > 0 && gaps.every((gap) => gap > 0), 'burst: gaps must be positive');
  const steps: Step[] = [];
  let at = options.at;
  for (let index = 0; index < options.count; index++) {
    if (index > 0) at += gaps[(index - 1) % gaps.length] as number;
    steps.push({ at, do: 'update', device: options.device, ref: options.ref, ops: options.ops(index) });
  }
  return { steps, lastAt: at };
}

/** Sets `field` on every edit (a text being typed: each keystroke autosaves the whole value). */
export const typing =
  (field: string) =>
  (_index: number): StepFieldOp[] => [{ op: 'set', field }];

export interface WorkloadPlanOptions {
  devices: readonly string[];
  profile?: ProfileName;
  /** Devices that start offline. */
  offline?: readonly string[];
  steps: Step[];
}

/**
 * A plan from steps, sorted. It has no heal step: the chaos phase ends just after the last
 * step, and the heal phase (faults off, every device online) measures how long the devices
 * take from there to converge on their own.
 */
export function workloadPlan(options: WorkloadPlanOptions): Plan {
  assert(options.steps.length <= WORKLOAD_STEPS_MAX, `workload has more than ${WORKLOAD_STEPS_MAX} steps`);
  const offline = new Set(options.offline ?? []);
  const devices: DevicePlan[] = options.devices.map((id) => (offline.has(id) ? { id, offline: true } : { id }));
  return {
    devices,
    profile: options.profile ?? 'calm',
    steps: sortSteps(options.steps),
    networkRules: [],
    serverRules: [],
  };
}

/** User writes (create, update, delete) a plan asks for: the denominator of the per-edit numbers. */
export function plannedEdits(plan: Plan): number {
  return plan.steps.filter((step) => step.do === 'create' || step.do === 'update' || step.do === 'delete').length;
}
