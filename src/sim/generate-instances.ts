/**
 * @module sim/generate-instances
 * Draws how a device runs a second instance of its app (profile `apps`): when the second
 * instance opens, whether it is closed or killed (and opened again), which of the device's
 * user actions happen in it, and edits that follow an edit of the same field shortly in the
 * other instance (the same note open in two tabs). Draws come from the device's own fork,
 * so the other devices' draws, and every profile without instances, stay as they were.
 */
import type { Rng } from '../kernel/rng.ts';
import { fieldKind } from './fields.ts';
import type { Step, StepFieldOp } from './plan.ts';
import type { InstanceRates } from './profiles.ts';

/** The further instance the profile opens. */
const SECOND = 2;
const ECHO_DELAY_MS_MIN = 200;
const ECHO_DELAY_MS_MAX = 5_000;
const REOPEN_DELAY_MS_MAX = 60_000;

type UserStep = Extract<Step, { do: 'create' | 'update' | 'delete' | 'resolve' | 'sync' }>;

function isUserStep(step: Step): step is UserStep {
  return ['create', 'update', 'delete', 'resolve', 'sync'].includes(step.do);
}

/** The text fields an update sets, or `title` when it sets none. */
function echoOps(step: Extract<Step, { do: 'update' }>): StepFieldOp[] {
  const texts = step.ops.filter((op) => op.op === 'set' && fieldKind(op.field) === 'text');
  return texts.length > 0 ? texts.map((op) => ({ op: 'set', field: op.field })) : [{ op: 'set', field: 'title' }];
}

/** The device's user steps, some moved to a second instance, with the steps that open, close and kill it. */
export function drawInstanceSteps(
  rng: Rng,
  device: string,
  userSteps: readonly Step[],
  rates: InstanceRates,
  chaosMs: number,
): Step[] {
  if (!rng.chance(rates.openProbability)) return [...userSteps];
  const openAt = rng.int(0, Math.floor(chaosMs / 2));
  const closeAt = rng.chance(0.5) ? rng.int(openAt + 1, chaosMs - 1) : chaosMs;
  const steps: Step[] = [{ at: openAt, do: 'open-instance', device, instance: SECOND }];
  if (closeAt < chaosMs) steps.push({ at: closeAt, do: 'close-instance', device, instance: SECOND });
  if (rng.chance(rates.killProbability)) {
    const killAt = rng.int(openAt + 1, closeAt - 1);
    steps.push({ at: killAt, do: 'kill', device, instance: SECOND });
    const reopenAt = killAt + rng.int(1, REOPEN_DELAY_MS_MAX);
    if (reopenAt < closeAt) steps.push({ at: reopenAt, do: 'open-instance', device, instance: SECOND });
  }
  for (const step of userSteps) {
    if (!isUserStep(step) || step.at <= openAt || step.at >= closeAt) {
      steps.push(step);
      continue;
    }
    const moved = rng.chance(rates.actionShare);
    steps.push(moved ? { ...step, instance: SECOND } : step);
    if (step.do !== 'update' || !rng.chance(rates.echoProbability)) continue;
    const at = step.at + rng.int(ECHO_DELAY_MS_MIN, ECHO_DELAY_MS_MAX);
    if (at >= closeAt) continue;
    const echo: Step = { at, do: 'update', device, ref: step.ref, ops: echoOps(step) };
    steps.push(moved ? echo : { ...echo, instance: SECOND });
  }
  return steps;
}
