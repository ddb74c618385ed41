/**
 * @module realnet/chaos/run-chaos
 * One real-network chaos run: N clients in this process, with real fetch and real timers,
 * through a proxy (Toxiproxy or the embedded one) to the reference server, while a named
 * schedule changes the proxy's toxics. The workload is a simulator Plan drawn from the seed
 * (workload-plan.ts); then the network heals, the clients converge, and
 * the simulator's checkers judge the recorded history. Bounded in time and requests.
 */
import { assert } from '../../kernel/assert.ts';
import { Rng } from '../../kernel/rng.ts';
import { Trace } from '../../kernel/trace.ts';
import { WORKLOAD_COLLECTIONS } from '../../sim/fields.ts';
import type { RunResult } from '../../sim/result.ts';
import { RequestBudget } from '../recording-fetch.ts';
import { RunTimeline } from '../timeline.ts';
import { RealHealer } from './heal.ts';
import { type ChaosOptions, CLIENTS_MAX } from './options.ts';
import { summariseChaos } from './result.ts';
import { ScheduleRunner } from './schedule-runner.ts';
import { findSchedule, planSchedule } from './schedules.ts';
import { setUpChaos } from './setup.ts';
import { RealWorkload, userSteps } from './workload.ts';
import { drawRealPlan } from './workload-plan.ts';

export interface ChaosOutcome {
  result: RunResult;
  /** Schedule actions planned, applied, refused. */
  actions: { planned: number; applied: number; failed: number };
  /** Where the clients sent their requests. */
  baseUrl: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settled within `ms` (the timer never outlives the answer). */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function catchStrayErrors(trace: Trace, errors: string[]): () => void {
  const onRejection = (reason: unknown) => {
    errors.push(`unhandled rejection: ${describe(reason)}`);
    trace.record('device.error', { message: `unhandled rejection: ${describe(reason)}` });
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}

export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  assert(options.clients >= 1 && options.clients <= CLIENTS_MAX, `runChaos: clients must be 1..${CLIENTS_MAX}`);
  const log = options.log ?? (() => {});
  const wallStart = performance.now();
  const timeline = new RunTimeline(options.speed);
  const trace = new Trace({ now: () => timeline.now() });
  const budget = new RequestBudget(options.requestsMax);
  const rng = new Rng(options.seed);
  const chaosRunMs = Math.max(1, Math.round(options.durationMs * options.speed));
  const plan = drawRealPlan(rng.fork('realnet'), {
    devices: options.clients,
    opsPerDevice: options.opsPerClient,
    chaosMs: chaosRunMs,
  });
  const schedule = findSchedule(options.schedule);
  const actions = planSchedule(schedule, rng.fork(`schedule/${schedule.name}`), options.durationMs);
  const setup = await setUpChaos(options, timeline, trace, budget);
  const errors: string[] = [];
  const release = catchStrayErrors(trace, errors);
  const collections = options.client.collections ?? WORKLOAD_COLLECTIONS;
  const runner = new ScheduleRunner(setup.link, actions, trace);
  try {
    const devices = setup.devices.map((device) => device.deviceId);
    trace.record('sim.start', {
      seed: options.seed,
      client: options.client.name,
      profile: `realnet:${schedule.name}`,
      devices,
    });
    for (const device of setup.devices) {
      await device
        .start(options.client)
        .catch((error: unknown) => errors.push(`start of ${device.deviceId} failed: ${describe(error)}`));
    }
    log(
      `chaos: ${options.clients} client(s) through ${setup.baseUrl}, schedule ${schedule.name}, ${options.durationMs / 1000} s`,
    );
    trace.record('sim.phase', { phase: 'chaos' });
    runner.start();
    const workload = new RealWorkload({
      devices: new Map(setup.devices.map((d) => [d.deviceId, d])),
      trace,
      timeline,
      collections,
      actionTimeoutMs: options.actionTimeoutMs,
    });
    const played = workload.play(userSteps(plan.steps));
    await sleep(options.durationMs);
    const finished = await within(played, options.actionTimeoutMs);
    if (!finished) errors.push(`user actions still running ${options.actionTimeoutMs} ms after the chaos phase`);
    workload.stop();
    await runner.stop();
    await setup.link.healForGood();
    log(
      `heal: toxics removed after ${runner.applied} schedule action(s); waiting up to ${options.healMs / 1000} s for convergence`,
    );
    const healer = new RealHealer(setup.devices, setup.serving.served, trace, collections, {
      healAutoMs: options.healMs,
      sliceMs: 250,
      syncRoundsMax: 5,
      callTimeoutMs: options.actionTimeoutMs,
    });
    const healed = await healer.run(() => timeline.now());
    await healer.recordFinal(options.client);
    if (budget.count >= budget.max) errors.push(`the run reached its bound of ${budget.max} requests`);
    const result = summariseChaos({
      name: options.name ?? `chaos-${schedule.name}-${options.seed}`,
      seed: options.seed,
      client: options.client.name,
      profile: `realnet:${schedule.name}`,
      devices: options.clients,
      trace,
      errors,
      exchanges: budget.count,
      runMs: timeline.now(),
      convergeMs: healed.convergeMs,
      wallMs: performance.now() - wallStart,
      keepTrace: true,
    });
    return {
      result,
      actions: { planned: actions.length, applied: runner.applied, failed: runner.failed },
      baseUrl: setup.baseUrl,
    };
  } finally {
    await runner.stop();
    release();
    await setup.tearDown();
  }
}
